import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { VERIFIED_TOKEN_PROPERTY } from '../http/bearer';
import type { VerifiedToken } from '../verified-token';

/** The token the guard verified, as a handler parameter: `@VerifiedAccessToken() token: VerifiedToken`. */
export const VerifiedAccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedToken | undefined => context.switchToHttp().getRequest<Record<string, VerifiedToken | undefined>>()[VERIFIED_TOKEN_PROPERTY],
);
