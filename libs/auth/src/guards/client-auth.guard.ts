import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { andThen, MaybeAsync } from '@app/common';
import { ClientAuthentication } from '../authentication/client-authentication.service';
import type { ClientAuthRequest } from '../client-auth/client-auth-method';

/**
 * Client authentication as one step of a route's own guard chain (`@CustomAuth(...)`), for
 * endpoints whose spec puts other checks before it (PingFederate's X-XSRF-HEADER). A route that
 * only needs client authentication declares `@AuthenticateClient()` instead.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(private readonly clients: ClientAuthentication) {}

  canActivate(ctx: ExecutionContext): MaybeAsync<boolean> {
    return andThen(this.clients.authenticate(ctx.switchToHttp().getRequest<ClientAuthRequest>()), () => true);
  }
}
