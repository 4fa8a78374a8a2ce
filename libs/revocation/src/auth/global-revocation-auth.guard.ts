import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiError, insufficientScope, OAuthErrorCode } from '@app/common';
import { AuthenticatedRequest, BearerTokenAuthentication, ClientAuthentication } from '@app/auth';
import { GLOBAL_TOKEN_REVOCATION_SCOPE } from '../revocation.constants';
import { RevocationAssertionVerifier } from './revocation-assertion.verifier';

const CHALLENGE = 'Bearer realm="revocation-server", Basic realm="revocation-server"';

/**
 * The endpoint's three ways in, chosen by the Authorization header:
 * - `Basic`: client_secret_basic, for a client registered with the scope (Janssen accepts it);
 * - `Bearer` with a `typ: global-token-revocation+jwt` JWT, or an untyped JWT addressed to this
 *   endpoint: the caller's signed assertion (Okta);
 * - `Bearer` with anything else: an access token issued by this server, carrying the scope.
 * Bad or missing credentials are a 401 with WWW-Authenticate; an authenticated caller without
 * `global_token_revocation` is a 403 insufficient_scope, as the IETF draft says (Janssen: 401).
 */
@Injectable()
export class GlobalRevocationAuthGuard implements CanActivate {
  constructor(
    private readonly clients: ClientAuthentication,
    private readonly bearer: BearerTokenAuthentication,
    private readonly assertions: RevocationAssertionVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const scheme = typeof header === 'string' ? /^(\S+)\s+(\S+)\s*$/.exec(header) : null;
    switch (scheme?.[1].toLowerCase()) {
      case 'basic':
        await this.clients.authenticate(req);
        break;
      case 'bearer':
        if (this.assertions.isAssertion(scheme![2])) req.auth = await this.assertions.verify(scheme![2]);
        else await this.bearer.authenticate(req, []);
        break;
      default:
        throw new ApiError(401, OAuthErrorCode.invalidToken, 'Authentication is required: an access token, a global-token-revocation+jwt assertion, or client_secret_basic.', {
          'WWW-Authenticate': CHALLENGE,
        });
    }
    const auth = req.auth;
    if (!auth?.scopes.includes(GLOBAL_TOKEN_REVOCATION_SCOPE)) {
      if (auth?.method === 'bearer') throw insufficientScope(GLOBAL_TOKEN_REVOCATION_SCOPE);
      // A client that authenticated itself: the scope comes from its registration, not from a token.
      const challenge: Record<string, string> = auth?.method === 'jwt-bearer' ? { 'WWW-Authenticate': `Bearer realm="revocation-server", error="insufficient_scope", scope="${GLOBAL_TOKEN_REVOCATION_SCOPE}"` } : {};
      throw new ApiError(403, OAuthErrorCode.insufficientScope, `The client is not registered with the scope "${GLOBAL_TOKEN_REVOCATION_SCOPE}".`, challenge);
    }
    return true;
  }
}
