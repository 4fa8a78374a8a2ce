/** Whose access token it is: a client's own (client_credentials) or a user's. */
export type AccessTokenKind = 'client' | 'user';

/**
 * The claim, in JWT and reference access tokens alike, that says whose token it is. TokenIssuer
 * sets it; nothing guesses the kind from `sub`, which a user may share with a client id.
 */
export const TOKEN_KIND_CLAIM = 'token_kind';

/**
 * The kind an access token was issued as; undefined for one issued before the kind was marked.
 * Such a token is checked as a user's (its user and session), the safe side of the guess.
 */
export function accessTokenKindOf(claims: { [TOKEN_KIND_CLAIM]?: unknown }): AccessTokenKind | undefined {
  const kind = claims[TOKEN_KIND_CLAIM];
  return kind === 'client' || kind === 'user' ? kind : undefined;
}
