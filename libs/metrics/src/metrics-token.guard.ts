import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, constantTimeEqual, OAuthErrorCode } from '@app/common';
import { METRICS_OPTIONS, MetricsOptions } from './metrics.options';

/**
 * With a token configured, a scrape must send `Authorization: Bearer <token>`, compared in
 * constant time whatever the length sent.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: string;

  constructor(@Inject(METRICS_OPTIONS) options: MetricsOptions) {
    this.expected = options.token || undefined;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const m = typeof header === 'string' ? /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim()) : null;
    if (m && constantTimeEqual(m[1], this.expected)) return true;
    throw new ApiError(401, OAuthErrorCode.invalidToken, 'A valid metrics bearer token is required.', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
  }
}
