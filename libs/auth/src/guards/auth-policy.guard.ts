import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError, routeMetadata } from '@app/common';
import { AUTH_POLICY, AuthPolicy } from '../decorators/auth-policy.decorators';

/**
 * Global guard: a route that declares no authentication policy is refused, so a forgotten
 * decorator fails closed instead of exposing an endpoint.
 */
@Injectable()
export class AuthPolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const policy = routeMetadata<AuthPolicy>(this.reflector, AUTH_POLICY, ctx);
    if (!policy) throw new ApiError(403, 'access_denied', 'This endpoint declares no authentication policy.');
    return true;
  }
}
