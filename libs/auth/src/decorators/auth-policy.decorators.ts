import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { BearerTokenGuard } from '../guards/bearer-token.guard';
import { ClientAuthGuard } from '../guards/client-auth.guard';
import type { AuthenticatedRequest, RequestAuth } from '../request-auth';

export const AUTH_POLICY = 'auth:policy';
export const REQUIRED_SCOPES = 'auth:required-scopes';

export type AuthPolicy = 'public' | 'client' | 'bearer' | 'custom';

/** Opt-out: the route needs no authentication. Every other route must declare how it authenticates. */
export const Public = () => SetMetadata(AUTH_POLICY, 'public' satisfies AuthPolicy);

/** The route's own guards authenticate the caller (for endpoints with several accepted schemes). */
export const CustomAuth = () => SetMetadata(AUTH_POLICY, 'custom' satisfies AuthPolicy);

/** The caller is an OAuth client, authenticated by one of the registered client authentication methods (ClientAuthMethods). */
export const AuthenticateClient = () => applyDecorators(SetMetadata(AUTH_POLICY, 'client' satisfies AuthPolicy), UseGuards(ClientAuthGuard));

/** Scopes a bearer token must carry (403 insufficient_scope otherwise). */
export const RequireScopes = (...scopes: string[]) =>
  applyDecorators(SetMetadata(AUTH_POLICY, 'bearer' satisfies AuthPolicy), SetMetadata(REQUIRED_SCOPES, scopes));

/** The caller presents a bearer access token issued by this server, carrying every scope listed. */
export const BearerAuth = (...scopes: string[]) => applyDecorators(RequireScopes(...scopes), UseGuards(BearerTokenGuard));

/** The authenticated caller, as set by the guard that authenticated the request. */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestAuth | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
});
