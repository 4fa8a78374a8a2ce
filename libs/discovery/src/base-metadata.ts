/** Scopes this server knows; `global_token_revocation` is the scope Janssen's endpoint requires. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'admin', 'global_token_revocation'];

/** Claims found in the access and ID tokens; `pi.sri` is PingFederate's session reference identifier. */
export const SUPPORTED_CLAIMS = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'jti', 'client_id', 'scope', 'sid', 'pi.sri'];

/**
 * The entries every deployment has (RFC 8414 §2, OpenID Connect Discovery 1.0 §3). Each module
 * publishes its own endpoints (OAuthModule /token and /jwks, SignInModule /authorize, features
 * behind flags theirs), so the document names only what the host mounted.
 * `response_types_supported` stays empty until an authorization endpoint exists.
 */
export function baseMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    response_types_supported: [],
    scopes_supported: SUPPORTED_SCOPES,
    subject_types_supported: ['public'],
    claims_supported: SUPPORTED_CLAIMS,
  };
}
