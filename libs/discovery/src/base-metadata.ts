import type { AppConfig } from '@app/common';

/** Scopes this server knows; `global_token_revocation` is the scope Janssen's endpoint requires. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'admin', 'global_token_revocation'];

/** Claims found in the access and ID tokens; `pi.sri` is PingFederate's session reference identifier. */
export const SUPPORTED_CLAIMS = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'jti', 'client_id', 'scope', 'sid', 'pi.sri'];

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * The entries every deployment has (RFC 8414 §2, OpenID Connect Discovery 1.0 §3). Features
 * behind flags (global token revocation, session management, end session) add their own.
 * `response_types_supported` stays empty until an authorization endpoint exists.
 */
export function baseMetadata(config: Pick<AppConfig, 'issuer'>): Record<string, unknown> {
  const issuer = config.issuer;
  return {
    issuer,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    jwks_uri: `${issuer}/jwks`,
    service_documentation: `${issuer}/docs`,
    grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    scopes_supported: SUPPORTED_SCOPES,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    claims_supported: SUPPORTED_CLAIMS,
  };
}
