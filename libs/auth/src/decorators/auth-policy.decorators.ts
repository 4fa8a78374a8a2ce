import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, SetMetadata, Type, UseGuards } from '@nestjs/common';
import type { RequestAuth, AuthenticatedRequest } from '../request-auth';

export const AUTH_POLICY = 'auth:policy';

/**
 * How a route authenticates its caller. AuthPolicyGuard (global) reads it and enforces it:
 * a route declares a policy only through the decorators below, each of which is enforced.
 */
export type AuthPolicy =
  | { readonly kind: 'public' }
  | { readonly kind: 'client' }
  | { readonly kind: 'bearer'; readonly scopes: readonly string[] }
  | { readonly kind: 'custom' };

/** Opt-out: the route needs no authentication. Every other route must declare how it authenticates. */
export const Public = () => SetMetadata(AUTH_POLICY, { kind: 'public' } satisfies AuthPolicy);

/** The caller is an OAuth client, authenticated by one of the registered client authentication methods (ClientAuthMethods). */
export const AuthenticateClient = () => SetMetadata(AUTH_POLICY, { kind: 'client' } satisfies AuthPolicy);

/** The caller presents a bearer access token issued by this server, carrying every scope listed (401 without one, 403 insufficient_scope). */
export const BearerAuth = (...scopes: string[]) => SetMetadata(AUTH_POLICY, { kind: 'bearer', scopes: Object.freeze([...scopes]) } satisfies AuthPolicy);

/**
 * The guards given authenticate the caller, in order (for endpoints with several accepted
 * schemes, or checks that must come before authentication). At least one guard is required,
 * so a route cannot declare custom authentication without carrying it.
 */
export function CustomAuth(guard: Type<CanActivate> | CanActivate, ...more: (Type<CanActivate> | CanActivate)[]) {
  if (!guard) throw new Error('CustomAuth: give the guards that authenticate the route.');
  return applyDecorators(SetMetadata(AUTH_POLICY, { kind: 'custom' } satisfies AuthPolicy), UseGuards(guard, ...more));
}

/** The authenticated caller, as set by the guard that authenticated the request. */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestAuth | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
});
