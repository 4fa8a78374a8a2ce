import { All, Controller, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited } from '@app/audit';
import { Public } from '@app/auth';
import { ApiError, notFound, OAuthErrorCode } from '@app/common';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Any request below /admin that no admin route takes: 405 with `Allow` when the path is an
 * admin endpoint's and only the method is wrong, else 404; both in the admin error body. The
 * methods come from the router itself, so they follow the routes as they are declared. No
 * authentication: what it tells is what the OpenAPI document publishes. Fastify prefers every
 * declared route to this wildcard; the audit hook writes its lines (AUDIT_PATHS has /admin).
 */
@ApiExcludeController()
@Public()
@Audited()
@Controller('admin')
export class AdminFallbackController {
  @All('*')
  fallback(@Req() req: FastifyRequest): never {
    const url = req.url.split('?')[0];
    const allowed = METHODS.filter((method) => {
      const route = req.server.findRoute({ method, url });
      // This wildcard matches every method; a route of the admin API has no wildcard.
      return route !== null && !('*' in (route.params ?? {}));
    });
    if (allowed.length > 0) {
      throw new ApiError(405, OAuthErrorCode.methodNotAllowed, `${req.method} is not allowed on this endpoint; use ${allowed.join(', ')}.`, { Allow: allowed.join(', ') });
    }
    throw notFound('No such admin endpoint.');
  }
}
