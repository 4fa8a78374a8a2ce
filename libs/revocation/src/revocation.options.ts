import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import { normalizePathPrefix } from '@app/common';
import type { GlobalRevocationConfig } from '@app/common';
import type { SubjectIdentifier, UserDirectoryBinding } from '@app/users';

/** The `sub_id` forms a deployment may accept: the RFC 9493 formats, and Janssen's attribute form (`attribute`). */
export type SubIdFormat = SubjectIdentifier['kind'];

export const ALL_SUB_ID_FORMATS: readonly SubIdFormat[] = ['email', 'phone_number', 'opaque', 'iss_sub', 'account', 'attribute'];

/** Options of RevocationModule.forRoot; each one left out keeps the server's configuration (its `globalRevocation` slice). */
export interface RevocationModuleOptions {
  /**
   * Path before `/global-token-revocation` (GLOBAL_TOKEN_REVOCATION_PREFIX, default
   * `/jans-auth/restv1`); `''` or `/` serves it at `/global-token-revocation`. Published in discovery
   * and required as the `aud` of signed assertions, relative to the issuer.
   */
  pathPrefix?: string;
  /** Answer for a sub_id that matches no user (GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS): 204 discloses nothing, 404 says so. */
  unknownUserStatus?: 204 | 404;
  /** Longest remaining lifetime, seconds, of a global-token-revocation+jwt assertion (GLOBAL_TOKEN_REVOCATION_JWT_MAX_LIFETIME). */
  assertionMaxLifetime?: number;
  /** The sub_id formats accepted; others are refused with 400 invalid_request. Default: all of ALL_SUB_ID_FORMATS. */
  subIdFormats?: SubIdFormat[];
  /** How a sub_id resolves to users. Default: the store's users (StoreUserDirectory). */
  userDirectory?: UserDirectoryBinding;
}

/** What shapes routes and providers: given directly, to forRootAsync too, since it is fixed when the application is built. */
export type RevocationModuleExtras = Pick<RevocationModuleOptions, 'pathPrefix' | 'userDirectory'>;

/** The options forRootAsync's factory gives: all but the extras. */
export type RevocationFactoryOptions = Omit<RevocationModuleOptions, keyof RevocationModuleExtras>;

/** RevocationModule.forRootAsync: `{ imports, inject, useFactory }` (or `useClass`), and the extras. */
export interface RevocationModuleAsyncOptions extends ConfigurableModuleAsyncOptions<RevocationFactoryOptions>, RevocationModuleExtras {}

/** The options in effect, every default applied. */
export interface ResolvedRevocationOptions {
  subIdFormats: ReadonlySet<SubIdFormat>;
}

export const REVOCATION_OPTIONS = Symbol('REVOCATION_OPTIONS');

/** The module's view of the `globalRevocation` slice: the server's, with the options given. */
export function revocationConfig(root: GlobalRevocationConfig, o: Omit<RevocationModuleOptions, 'userDirectory'>): GlobalRevocationConfig {
  return {
    ...root,
    ...(o.pathPrefix !== undefined && { pathPrefix: normalizePrefix(o.pathPrefix) }),
    ...(o.unknownUserStatus !== undefined && { unknownUserStatus: o.unknownUserStatus }),
    ...(o.assertionMaxLifetime !== undefined && { assertionMaxLifetime: o.assertionMaxLifetime }),
  };
}

export function normalizePrefix(prefix: string): string {
  return normalizePathPrefix(prefix, 'RevocationModule', '/jans-auth/restv1');
}
