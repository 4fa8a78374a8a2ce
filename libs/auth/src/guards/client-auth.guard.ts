import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiError, invalidClient, invalidRequest } from '@app/common';
import { ClientAuthenticator } from '../client-auth/client-authenticator.service';
import type { AuthenticatedRequest, RequestAuth } from '../request-auth';

const BasicGuard = AuthGuard('client-basic');

/**
 * Authenticates an OAuth client by client_secret_basic (passport-http) or
 * client_secret_post (RFC 6749 §2.3.1). Using both at once is refused (§2.3).
 */
@Injectable()
export class ClientAuthGuard extends BasicGuard implements CanActivate {
  constructor(private readonly authenticator: ClientAuthenticator) {
    super({ session: false });
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const postedSecret = body.client_secret;
    if (typeof header === 'string' && /^basic\s/i.test(header)) {
      if (postedSecret !== undefined) throw invalidRequest('Use one client authentication method, not several.');
      if (!/^basic\s+[A-Za-z0-9+/=._~-]+\s*$/i.test(header)) throw invalidRequest('Malformed Basic authorization header.');
      return (await super.canActivate(ctx)) as boolean;
    }
    if (postedSecret !== undefined) {
      const clientId = body.client_id;
      if (typeof clientId !== 'string' || typeof postedSecret !== 'string') {
        throw invalidRequest('client_id and client_secret must each appear once.');
      }
      req.auth = await this.authenticator.authenticate(clientId, postedSecret, 'client_secret_post');
      return true;
    }
    throw invalidClient('Client authentication is required.');
  }

  // Passport calls this with the strategy's result; errors keep their OAuth shape.
  override handleRequest<T = RequestAuth>(err: unknown, auth: T | false, _info: unknown, ctx: ExecutionContext): T {
    if (err instanceof ApiError) throw err;
    if (err) throw err;
    if (!auth) throw invalidClient('Client authentication failed.');
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth = auth as unknown as RequestAuth;
    return auth;
  }
}
