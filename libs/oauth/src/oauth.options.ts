import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { TokenConfig } from '@app/common';

/** The grant types of the token endpoint; `authorization_code` redeems the codes SignInModule's /authorize issues. */
export type GrantType = 'client_credentials' | 'password' | 'refresh_token' | 'authorization_code';

export const ALL_GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'refresh_token', 'authorization_code'];

/** Options of OAuthModule.forRoot; each one left out keeps the server's configuration (its `tokens` slice). */
export interface OAuthModuleOptions {
  /** Path before `/token`, `/introspect`, `/revoke`, `/jwks` and `/userinfo`; published in discovery. Default `''`: at the root, as the server serves them. */
  pathPrefix?: string;
  /** The grant types `/token` accepts; others get 400 `unsupported_grant_type`, and discovery lists only these. Default: all of ALL_GRANT_TYPES. */
  grantTypes?: GrantType[];
  /** Seconds an access token lives (ACCESS_TOKEN_TTL, default 3600); at most the server's, which the revocation index keeps revocations for. */
  accessTokenTtl?: number;
  /** Seconds a refresh token lives (REFRESH_TOKEN_TTL, default 30 days). */
  refreshTokenTtl?: number;
  /** Seconds an ID token lives (ID_TOKEN_TTL, default 3600); at most the server's, as for access tokens. */
  idTokenTtl?: number;
  /** Seconds an authorization code stays exchangeable (AUTHORIZATION_CODE_TTL, default 60). */
  authorizationCodeTtl?: number;
}

/** The path prefix shapes routes: given directly, to forRootAsync too, since it is fixed when the application is built. */
export type OAuthModuleExtras = Pick<OAuthModuleOptions, 'pathPrefix'>;

/** The options forRootAsync's factory gives: all but the extras. */
export type OAuthFactoryOptions = Omit<OAuthModuleOptions, keyof OAuthModuleExtras>;

/** OAuthModule.forRootAsync: `{ imports, inject, useFactory }` (or `useClass`), and the path prefix. */
export interface OAuthModuleAsyncOptions extends ConfigurableModuleAsyncOptions<OAuthFactoryOptions>, OAuthModuleExtras {}

/** The options in effect, every default applied. */
export interface ResolvedOAuthOptions {
  pathPrefix: string;
  grantTypes: ReadonlySet<GrantType>;
}

/** Exported (OAuthModule is global): SignInModule reads which grants the token endpoint takes. */
export const OAUTH_OPTIONS = Symbol('OAUTH_OPTIONS');

/**
 * The module's view of the `tokens` slice: the server's, with the options given. Access and ID tokens may
 * not outlive the server's lifetimes: the revocation index forgets a user's revocation once every
 * token issued before it has expired by those lifetimes, so a longer-lived token would come back.
 */
export function oauthTokenConfig(root: TokenConfig, o: OAuthFactoryOptions): TokenConfig {
  for (const [option, value, limit, variable] of [
    ['accessTokenTtl', o.accessTokenTtl, root.accessTokenTtl, 'ACCESS_TOKEN_TTL'],
    ['idTokenTtl', o.idTokenTtl, root.idTokenTtl, 'ID_TOKEN_TTL'],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= limit)) {
      throw new Error(`OAuthModule: ${option} must be a whole number of seconds from 1 to the server's ${variable} (${limit}), got ${value}`);
    }
  }
  for (const [option, value] of [['refreshTokenTtl', o.refreshTokenTtl], ['authorizationCodeTtl', o.authorizationCodeTtl]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`OAuthModule: ${option} must be a positive whole number of seconds, got ${value}`);
  }
  return {
    ...root,
    ...(o.accessTokenTtl !== undefined && { accessTokenTtl: o.accessTokenTtl }),
    ...(o.refreshTokenTtl !== undefined && { refreshTokenTtl: o.refreshTokenTtl }),
    ...(o.idTokenTtl !== undefined && { idTokenTtl: o.idTokenTtl }),
    ...(o.authorizationCodeTtl !== undefined && { authorizationCodeTtl: o.authorizationCodeTtl }),
  };
}

export function resolveGrantTypes(grantTypes: GrantType[] | undefined): ReadonlySet<GrantType> {
  const unknown = (grantTypes ?? []).filter((g) => !ALL_GRANT_TYPES.includes(g));
  if (unknown.length > 0) throw new Error(`OAuthModule: unknown grant type ${unknown.join(', ')}; known: ${ALL_GRANT_TYPES.join(', ')}`);
  // In the canonical order, whatever order the host listed them in: discovery lists them so.
  return new Set(ALL_GRANT_TYPES.filter((g) => (grantTypes ?? ALL_GRANT_TYPES).includes(g)));
}
