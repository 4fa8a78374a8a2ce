import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { BearerTokenGuard } from './bearer-token.guard';
import { REQUIRED_SCOPES } from './required-scopes.metadata';

/**
 * The route needs a valid bearer token holding every scope listed (none: any valid token). It
 * applies the guard itself, so it protects the route even where the module's global guard is
 * off. On a controller and a handler both, the scopes add up.
 */
export const RequireScopes = (...scopes: string[]) => applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), UseGuards(BearerTokenGuard));
