import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SessionMgmtErrors } from '../session-mgmt.errors';

/**
 * Seed: "requires the X-XSRF-HEADER HTTP header with any value to prevent cross site request
 * forgery" (400 otherwise). A browser cannot add a custom header to a cross-site form post or
 * image load, so any non-empty value will do.
 */
@Injectable()
export class XsrfHeaderGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-xsrf-header'];
    const present = Array.isArray(value) ? value.some((v) => v.trim() !== '') : typeof value === 'string' && value.trim() !== '';
    if (!present) throw SessionMgmtErrors.xsrfHeaderMissing();
    return true;
  }
}
