import { All, Controller, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { ApiError, OAuthErrorCode, PingFederateErrors, useErrorBodyForPrefix } from '@app/common';

/** The routes of this module, to tell a wrong method (405) from a wrong path (404). */
const ROUTES: [RegExp, string][] = [
  [/^\/revokedSris\/?$/, 'POST'],
  [/^\/revokedSris\/[^/]+$/, 'GET'],
  [/^\/sessions\/[^/]+$/, 'GET'],
  [/^\/sessions\/[^/]+\/revoke$/, 'POST'],
  [/^\/users\/[^/]+$/, 'GET'],
  [/^\/users\/[^/]+\/revoke$/, 'POST'],
];

const PREFIX = '/pf-ws/rest/sessionMgmt';

/**
 * Any other request under /pf-ws/rest/sessionMgmt: 404 or 405, still in the `{"resultId","message"}`
 * shape a PingFederate client parses. Fastify prefers every declared route to this wildcard.
 */
@ApiExcludeController()
@Public()
@Controller()
export class SessionMgmtFallbackController {
  constructor() {
    // What even this wildcard never sees (a method Nest does not route, an empty path parameter)
    // still answers {"resultId","message"}.
    useErrorBodyForPrefix(PREFIX, 'pingfederate');
  }

  @All(`${PREFIX.slice(1)}/*`)
  @PingFederateErrors()
  fallback(@Req() req: FastifyRequest): never {
    const path = req.url.split('?')[0].slice(PREFIX.length);
    const route = ROUTES.find(([pattern]) => pattern.test(path));
    if (route) {
      throw new ApiError(405, OAuthErrorCode.methodNotAllowed, `Use ${route[1]} on this endpoint.`, { Allow: route[1] }, 'session_mgmt_method_not_allowed');
    }
    throw new ApiError(404, OAuthErrorCode.notFound, 'No such endpoint.', {}, 'session_mgmt_not_found');
  }
}
