import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { HttpConfig } from '@app/common';
import type { DiscoveryMetadata } from './discovery.registry';

/**
 * One document at three addresses: OpenID Connect Discovery, RFC 8414, and the path Janssen
 * clients read (`/jans-auth/.well-known/openid-configuration`, see the Janssen seed).
 */
export const DISCOVERY_PATHS: readonly string[] = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/jans-auth/.well-known/openid-configuration',
];

/** Options of DiscoveryModule.forRoot; each one left out keeps the server's behaviour. */
export interface DiscoveryModuleOptions {
  /**
   * The `issuer` entry (default: the server's ISSUER). OpenID clients require it to equal the
   * `iss` of the tokens, which stays the server's: override it only where this module is
   * mounted without OAuthModule, for a host known by another identifier.
   */
  issuer?: string;
  /** The paths the document is served at. Default: DISCOVERY_PATHS; `[]` serves none (the host reads DiscoveryRegistry itself). */
  paths?: string[];
  /** Static entries (`op_policy_uri`, `service_documentation`…), merged after the base: modules' entries replace them, arrays are unioned. */
  metadata?: DiscoveryMetadata;
}

/** The paths shape routes: given directly, to forRootAsync too, since they are fixed when the application is built. */
export type DiscoveryModuleExtras = Pick<DiscoveryModuleOptions, 'paths'>;

/** The options forRootAsync's factory gives: all but the paths. */
export type DiscoveryFactoryOptions = Omit<DiscoveryModuleOptions, keyof DiscoveryModuleExtras>;

/** DiscoveryModule.forRootAsync: `{ imports, inject, useFactory }` (or `useClass`), and the paths. */
export interface DiscoveryModuleAsyncOptions extends ConfigurableModuleAsyncOptions<DiscoveryFactoryOptions>, DiscoveryModuleExtras {}

/** The static entries the registry merges after the base document. */
export const DISCOVERY_METADATA = Symbol('DISCOVERY_METADATA');

/** The module's view of the `http` slice: the server's, with the issuer given. */
export function discoveryHttpConfig(root: HttpConfig, o: DiscoveryFactoryOptions): HttpConfig {
  if (o.issuer !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(o.issuer)) throw new Error(`DiscoveryModule: issuer must be an http(s) URL, got ${o.issuer}`);
  return { ...root, ...(o.issuer !== undefined && { issuer: o.issuer.replace(/\/+$/, '') }) };
}

/** `.well-known/x` or `/.well-known/x/` → `/.well-known/x`; refuses what is not a path. */
export function normalizeDiscoveryPaths(paths: readonly string[]): string[] {
  return paths.map((path) => {
    const p = `/${path.replace(/^\/+|\/+$/g, '')}`;
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(p)) throw new Error(`DiscoveryModule: each path must be a path such as /.well-known/openid-configuration, got ${path}`);
    return p;
  });
}
