import { All, Controller, Inject, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { ApiError, OAuthErrorCode } from '@app/common';
import { SessionMgmtErrors } from './session-mgmt.errors';
import { ResolvedSessionMgmtOptions, SESSION_MGMT_OPTIONS } from './session-mgmt.options';

/** The routes of this module below its prefix, to tell a wrong method (405) from a wrong path (404). */
const ROUTES: [RegExp, string][] = [
  [/^\/revokedSris\/?$/, 'POST'],
  [/^\/revokedSris\/[^/]+$/, 'GET'],
  [/^\/sessions\/[^/]+$/, 'GET'],
  [/^\/sessions\/[^/]+\/revoke$/, 'POST'],
  [/^\/users\/[^/]+$/, 'GET'],
  [/^\/users\/[^/]+\/revoke$/, 'POST'],
];

/**
 * Any other request under the module's prefix (/pf-ws/rest/sessionMgmt by default): 404 or 405, still in the `{"resultId","message"}`
 * shape a PingFederate client parses. The module declares that shape for its whole prefix (errorBodyForPrefix), since Nest's
 * adapter registers an `@All` route without route config and some requests never reach it (a method Nest does not route, an
 * empty path parameter). Fastify prefers every declared route to this wildcard.
 *
 * Fastify's router also passes over a route whose path parameter is longer than its maxParamLength and answers 414
 * (frameworkErrors) only when nothing else matches; under this prefix the wildcard always does, so the 414 is answered here.
 */
@ApiExcludeController()
@Public()
@Controller()
export class SessionMgmtFallbackController {
  constructor(@Inject(SESSION_MGMT_OPTIONS) private readonly options: ResolvedSessionMgmtOptions) {}

  // Below the module's prefix (RouterModule), as every route of the module.
  @All('*')
  fallback(@Req() req: FastifyRequest): never {
    const path = req.url.split('?')[0].slice(this.options.pathPrefix.length);
    if (longestSegment(path) > maxParamLength(req)) throw SessionMgmtErrors.uriTooLong();
    const route = ROUTES.find(([pattern]) => pattern.test(path));
    if (route) {
      throw new ApiError(405, OAuthErrorCode.methodNotAllowed, `Use ${route[1]} on this endpoint.`, { Allow: route[1] }, 'session_mgmt_method_not_allowed');
    }
    throw new ApiError(404, OAuthErrorCode.notFound, 'No such endpoint.', {}, 'session_mgmt_not_found');
  }
}

/** The router's limit on a path parameter, as the application configured it (find-my-way's default is 100). */
function maxParamLength(req: FastifyRequest): number {
  const config = req.server.initialConfig;
  return config.routerOptions?.maxParamLength ?? config.maxParamLength ?? 100;
}

/** Length of the longest path segment, URL-decoded as the router measures a parameter. */
function longestSegment(path: string): number {
  let longest = 0;
  for (const segment of path.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Measured as sent: the router refuses what it cannot decode before this runs.
    }
    longest = Math.max(longest, decoded.length);
  }
  return longest;
}
