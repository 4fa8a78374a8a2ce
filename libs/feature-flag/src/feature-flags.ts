/** The feature flags this server knows, each with its default (used until the store says otherwise). */
export const FEATURE_FLAGS = {
  /** Janssen's Global Token Revocation endpoint. */
  GLOBAL_TOKEN_REVOCATION: { default: true, description: 'POST /jans-auth/restv1/global-token-revocation' },
  /** PingFederate's Session Revocation API (revokedSris). */
  SESSION_REVOCATION_API: { default: true, description: '/pf-ws/rest/sessionMgmt/revokedSris' },
  /** PingFederate's Session Management API (sessions, users). */
  SESSION_MANAGEMENT_API: { default: true, description: '/pf-ws/rest/sessionMgmt/sessions and /users' },
  /** OpenID Connect RP-Initiated Logout. */
  END_SESSION: { default: true, description: '/end_session' },
} as const;

export type FeatureFlagName = keyof typeof FEATURE_FLAGS;

export function isFeatureFlagName(name: string): name is FeatureFlagName {
  return Object.prototype.hasOwnProperty.call(FEATURE_FLAGS, name);
}
