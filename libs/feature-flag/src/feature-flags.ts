import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';

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

/** Options of FeatureFlagModule.forRoot. */
export interface FeatureFlagModuleOptions {
  /** A host's own defaults, used until the store holds a value for the flag (e.g. `{ END_SESSION: false }`). */
  defaults?: Partial<Record<FeatureFlagName, boolean>>;
}

/** FeatureFlagModule.forRootAsync: the options from a factory (`{ imports, inject, useFactory }`, or `useClass`). */
export type FeatureFlagModuleAsyncOptions = ConfigurableModuleAsyncOptions<FeatureFlagModuleOptions>;

/** The host's defaults (FeatureFlagModuleOptions.defaults); absent, each flag's documented one. */
export const FEATURE_FLAG_DEFAULTS = Symbol('FEATURE_FLAG_DEFAULTS');

export function isFeatureFlagName(name: string): name is FeatureFlagName {
  return Object.prototype.hasOwnProperty.call(FEATURE_FLAGS, name);
}
