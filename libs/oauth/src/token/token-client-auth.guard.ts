import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ClientAuthentication, ClientAuthMethods, ClientAuthRequest, ClientCache } from '@app/auth';
import { andThen, MaybeAsync } from '@app/common';

/**
 * Client authentication at the token endpoint. Confidential clients authenticate as at every
 * other endpoint (ClientAuthentication). A public client (`token_endpoint_auth_method: none`,
 * RFC 6749 §2.1) has no secret: it names itself with `client_id` alone (§4.1.3), and PKCE,
 * which /authorize requires of it, proves it is the client that asked for the code.
 *
 * `none` is not a registered ClientAuthMethod: it authenticates nothing, is valid only here,
 * and is "presented" exactly when no method is, which the registry's one-method rule cannot express.
 */
@Injectable()
export class TokenClientAuthGuard implements CanActivate {
  constructor(private readonly clientAuth: ClientAuthentication, private readonly methods: ClientAuthMethods, private readonly clients: ClientCache) {}

  // Not async: a confidential client goes straight to ClientAuthentication, which answers without
  // a promise when it can (credentials verified in the last minute).
  canActivate(ctx: ExecutionContext): MaybeAsync<boolean> {
    const req = ctx.switchToHttp().getRequest<ClientAuthRequest>();
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (req.headers.authorization === undefined && typeof body.client_id === 'string' && body.client_id.length <= 255 && !this.methods.anyPresented(req)) {
      return this.publicClient(req, body.client_id);
    }
    return this.confidentialClient(req);
  }

  private confidentialClient(req: ClientAuthRequest): MaybeAsync<boolean> {
    return andThen(this.clientAuth.authenticate(req), () => true);
  }

  private async publicClient(req: ClientAuthRequest, clientId: string): Promise<boolean> {
    const client = await this.clients.get(clientId);
    if (client?.tokenEndpointAuthMethod === 'none') {
      req.auth = { method: 'none', clientId: client.clientId, scopes: client.scopes, client };
      return true;
    }
    return this.confidentialClient(req);
  }
}
