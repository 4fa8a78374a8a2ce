import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import { normalizePathPrefix, RevocationListConfig, SessionConfig } from '@app/common';
import type { UserDirectoryBinding } from '@app/users';

/** Where PingFederate serves its session APIs, and where its clients call them. */
export const DEFAULT_SESSION_MGMT_PREFIX = '/pf-ws/rest/sessionMgmt';

/** Options of SessionMgmtModule.forRoot; each one left out keeps the server's configuration. */
export interface SessionMgmtModuleOptions {
  /**
   * Path before `/revokedSris`, `/sessions` and `/users` (default `/pf-ws/rest/sessionMgmt`, where
   * PingFederate clients call them); published in discovery. Not empty: every other path below it
   * answers 404 or 405 in PingFederate's error shape.
   */
  pathPrefix?: string;
  /** The user attribute `{pathPrefix}/users/{userKey}` matches (SESSION_USER_KEY_ATTRIBUTE, default `uid`). */
  userKeyAttribute?: string;
  /** Largest number of entries on the session revocation list; the oldest are purged first (SESSION_REVOCATION_LIST_MAX). */
  revocationListMax?: number;
  /** Seconds between two purges of the session revocation list (SESSION_REVOCATION_PURGE_INTERVAL). */
  purgeInterval?: number;
  /** How a user key resolves to users. Default: the store's users (StoreUserDirectory). */
  userDirectory?: UserDirectoryBinding;
}

/** The path prefix and the directory shape routes and providers: given directly, to forRootAsync too, since they are fixed when the application is built. */
export type SessionMgmtModuleExtras = Pick<SessionMgmtModuleOptions, 'pathPrefix' | 'userDirectory'>;

/** The options forRootAsync's factory gives: all but the extras. */
export type SessionMgmtFactoryOptions = Omit<SessionMgmtModuleOptions, keyof SessionMgmtModuleExtras>;

/** SessionMgmtModule.forRootAsync: `{ imports, inject, useFactory }` (or `useClass`), and the extras. */
export interface SessionMgmtModuleAsyncOptions extends ConfigurableModuleAsyncOptions<SessionMgmtFactoryOptions>, SessionMgmtModuleExtras {}

/** The options in effect that the configuration does not hold. */
export interface ResolvedSessionMgmtOptions {
  pathPrefix: string;
}

export const SESSION_MGMT_OPTIONS = Symbol('SESSION_MGMT_OPTIONS');

/** The prefix as routes take it; refused when empty, since the module answers every path below it. */
export function sessionMgmtPrefix(pathPrefix: string | undefined): string {
  const p = normalizePathPrefix(pathPrefix ?? DEFAULT_SESSION_MGMT_PREFIX, 'SessionMgmtModule', DEFAULT_SESSION_MGMT_PREFIX);
  if (p === '') throw new Error('SessionMgmtModule: pathPrefix must not be empty: every path below it answers 404 or 405');
  return p;
}

/** The module's view of the `sessions` slice: the server's, with the options given. */
export function sessionMgmtSessionConfig(root: SessionConfig, o: SessionMgmtFactoryOptions): SessionConfig {
  return { ...root, ...(o.userKeyAttribute !== undefined && { userKeyAttribute: o.userKeyAttribute }) };
}

/** The module's view of the `revocationList` slice: the server's, with the options given. */
export function sessionMgmtRevocationListConfig(root: RevocationListConfig, o: SessionMgmtFactoryOptions): RevocationListConfig {
  return {
    ...root,
    ...(o.revocationListMax !== undefined && { max: o.revocationListMax }),
    ...(o.purgeInterval !== undefined && { purgeInterval: o.purgeInterval }),
  };
}
