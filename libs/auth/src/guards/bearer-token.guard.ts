import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { insufficientScope, invalidToken, routeMetadata } from '@app/common';
import { REQUIRED_SCOPES } from '../decorators/auth-policy.decorators';
import { TokenSigner } from '../tokens/token-signer.service';
import { TokenStatusService } from '../tokens/token-status.service';
import type { AuthenticatedRequest } from '../request-auth';

/**
 * RFC 6750 bearer access tokens issued by this server: signature, expiry and revocation
 * state are checked (a revoked token is a 401), then the scopes the route requires (403).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly signer: TokenSigner, private readonly status: TokenStatusService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header) : null;
    if (!match) throw invalidToken('A bearer access token is required.');
    const claims = await this.signer.verify(match[1], 'at+jwt');
    if (!claims || typeof claims.jti !== 'string') throw invalidToken('The access token is invalid or expired.');
    const state = await this.status.checkAccessToken(claims);
    if (!state.active) throw invalidToken('The access token is no longer active.');
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    req.auth = { method: 'bearer', clientId: String(claims.client_id), scopes, sub: claims.sub, claims };
    const required = routeMetadata<string[]>(this.reflector, REQUIRED_SCOPES, ctx) ?? [];
    const missing = required.find((s) => !scopes.includes(s));
    if (missing) throw insufficientScope(missing);
    return true;
  }
}
