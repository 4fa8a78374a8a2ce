import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { andThen, ApiError, MaybeAsync, routeMetadata } from '@app/common';
import { BearerTokenAuthentication } from '../authentication/bearer-token-authentication.service';
import { ClientAuthentication } from '../authentication/client-authentication.service';
import type { ClientAuthRequest } from '../client-auth/client-auth-method';
import { AUTH_POLICY, AuthPolicy } from '../decorators/auth-policy.decorators';

/**
 * Global guard: authenticates every request as its route's declared policy says (`client`,
 * `bearer` with scopes; `custom` routes carry their own guards, `public` ones need nothing).
 * A route that declares no policy is refused, so a forgotten decorator fails closed, and a
 * declared policy is always an enforced one.
 */
@Injectable()
export class AuthPolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly clients: ClientAuthentication, private readonly bearer: BearerTokenAuthentication) {}

  canActivate(ctx: ExecutionContext): MaybeAsync<boolean> {
    const policy = routeMetadata<AuthPolicy>(this.reflector, AUTH_POLICY, ctx);
    switch (policy?.kind) {
      case 'public':
      case 'custom':
        return true;
      case 'client':
        return andThen(this.clients.authenticate(ctx.switchToHttp().getRequest<ClientAuthRequest>()), () => true);
      case 'bearer':
        return this.bearer.authenticate(ctx.switchToHttp().getRequest(), policy.scopes).then(() => true);
      default:
        throw new ApiError(403, 'access_denied', 'This endpoint declares no authentication policy.');
    }
  }
}
