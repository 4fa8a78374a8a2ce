import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiError, invalidClient, invalidRequest } from '@app/common';
import { AuthFailureLimiter } from '../client-auth/auth-failure-limiter.service';
import { ClientAuthenticator } from '../client-auth/client-authenticator.service';
import type { AuthenticatedRequest, RequestAuth } from '../request-auth';

const BasicGuard = AuthGuard('client-basic');

/**
 * Authenticates an OAuth client by client_secret_basic (passport-http) or
 * client_secret_post (RFC 6749 §2.3.1). Using both at once is refused (§2.3). Failed
 * authentications (401) count against the client id and the address; past the limit the
 * attempt is refused with 429 before any secret is checked (AuthFailureLimiter).
 */
@Injectable()
export class ClientAuthGuard extends BasicGuard implements CanActivate {
  constructor(private readonly authenticator: ClientAuthenticator, private readonly failures: AuthFailureLimiter) {
    super({ session: false });
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & { ip?: string }>();
    if (!this.failures.enabled) return this.authenticate(ctx, req);
    const clientId = presentedClientId(req);
    await this.failures.assertAllowed(clientId, req.ip);
    try {
      return await this.authenticate(ctx, req);
    } catch (err) {
      // Only a refused credential counts: not a request without one, not a malformed request
      // (400), not a store outage (503).
      if (clientId !== undefined && err instanceof ApiError && err.status === 401) await this.failures.recordFailure(clientId, req.ip);
      throw err;
    }
  }

  private async authenticate(ctx: ExecutionContext, req: AuthenticatedRequest): Promise<boolean> {
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

/** The client id a request presents (Basic header or client_id parameter), before it is checked; undefined when unreadable. */
function presentedClientId(req: AuthenticatedRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return undefined;
      try {
        return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    }
  }
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  return typeof body.client_id === 'string' ? body.client_id : undefined;
}
