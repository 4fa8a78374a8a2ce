import { Injectable } from '@nestjs/common';
import { HttpConfig, InjectConfig, insufficientScope, invalidToken } from '@app/common';
import { TokenSigner } from '../tokens/token-signer.service';
import { TokenStatusService } from '../tokens/token-status.service';
import type { AuthenticatedRequest, RequestAuth } from '../request-auth';

const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i;

/**
 * RFC 6750 bearer access tokens issued by this server, for this server: signature, expiry and
 * audience are checked (it must name the issuer: a token asked for another resource with RFC 8707
 * is that resource's, not ours), then the revocation state (a revoked token is a 401), then the
 * scopes required (403 insufficient_scope).
 * Sets `req.auth` on success. Every guard that accepts this server's access tokens calls this.
 */
@Injectable()
export class BearerTokenAuthentication {
  constructor(@InjectConfig('http') private readonly http: HttpConfig, private readonly signer: TokenSigner, private readonly status: TokenStatusService) {}

  async authenticate(req: AuthenticatedRequest, requiredScopes: readonly string[]): Promise<RequestAuth> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw invalidToken('A bearer access token is required.');
    const claims = await this.signer.verify(match[1], 'at+jwt');
    if (!claims || typeof claims.jti !== 'string') throw invalidToken('The access token is invalid or expired.');
    // Before the revocation state, which may cost a store read.
    if (!audienceIncludes(claims.aud, this.http.issuer)) throw invalidToken('The access token is for another audience.');
    const state = await this.status.checkAccessToken(claims);
    if (!state.active) throw invalidToken('The access token is no longer active.');
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const auth: RequestAuth = { method: 'bearer', clientId: String(claims.client_id), scopes, sub: claims.sub, claims };
    req.auth = auth;
    const missing = requiredScopes.find((s) => !scopes.includes(s));
    if (missing) throw insufficientScope(missing);
    return auth;
  }
}

function audienceIncludes(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}
