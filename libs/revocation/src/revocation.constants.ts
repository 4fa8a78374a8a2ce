/** The scope a caller needs (Janssen: "A client must have the following scope to use this endpoint"). */
export const GLOBAL_TOKEN_REVOCATION_SCOPE = 'global_token_revocation';

/** JWT `typ` of the signed assertion Okta's Universal Logout sends as a bearer token. */
export const REVOCATION_ASSERTION_TYP = 'global-token-revocation+jwt';

/** Path of the endpoint below its configurable prefix (Janssen: `/jans-auth/restv1`). */
export const GLOBAL_TOKEN_REVOCATION_PATH = 'global-token-revocation';

/** Recorded on the revoked sessions and on the user's watermark. */
export const GLOBAL_REVOCATION_REASON = 'global_token_revocation';

/** The caller authentication methods, as published in discovery. */
export const GLOBAL_TOKEN_REVOCATION_AUTH_METHODS = ['client_secret_basic', 'bearer', REVOCATION_ASSERTION_TYP];

/** The endpoint's absolute URL: what discovery publishes and what an assertion's `aud` must name. */
export function globalTokenRevocationUrl(issuer: string, pathPrefix: string): string {
  return `${issuer}${pathPrefix}/${GLOBAL_TOKEN_REVOCATION_PATH}`;
}
