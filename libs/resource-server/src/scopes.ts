import { InsufficientScopeError } from './errors';
import type { VerifiedToken } from './verified-token';

/** The scopes of a `scope` claim: space-delimited (RFC 8693 §4.2, RFC 7662 §2.2); none if absent. */
export function scopesOf(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [];
}

/**
 * Passes when the token holds every one of `required`; throws InsufficientScopeError (403,
 * RFC 6750 §3.1 `insufficient_scope`) naming them otherwise. Call it after verification: a
 * token that is not valid is a 401, never a 403.
 */
export function requireScopes(token: VerifiedToken, required: readonly string[]): void {
  if (required.some((scope) => !token.scopes.includes(scope))) throw new InsufficientScopeError(required);
}
