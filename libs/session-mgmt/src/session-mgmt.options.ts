import type { DynamicModule, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import type { AppConfig, UserDirectoryBinding } from '@app/common';

/** Options of SessionMgmtModule.forRoot; each one left out keeps the server's configuration (AppConfig). */
export interface SessionMgmtModuleOptions {
  /** The user attribute `/pf-ws/rest/sessionMgmt/users/{userKey}` matches (SESSION_USER_KEY_ATTRIBUTE, default `uid`). */
  userKeyAttribute?: string;
  /** Minutes an SRI stays on the session revocation list (SESSION_REVOCATION_LIFETIME, PingFederate's default 490). */
  revocationLifetime?: number;
  /** Largest number of entries on the session revocation list; the oldest are purged first (SESSION_REVOCATION_LIST_MAX). */
  revocationListMax?: number;
  /** Seconds between two purges of the session revocation list (SESSION_REVOCATION_PURGE_INTERVAL). */
  purgeInterval?: number;
  /** How a user key resolves to users. Default: the store's users (StoreUserDirectory). */
  userDirectory?: UserDirectoryBinding;
}

type FactoryOptions = Omit<SessionMgmtModuleOptions, 'userDirectory'>;

/** SessionMgmtModule.forRootAsync: options from a factory, except the directory, which shapes providers. */
export interface SessionMgmtModuleAsyncOptions extends Pick<SessionMgmtModuleOptions, 'userDirectory'> {
  imports?: DynamicModule['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => FactoryOptions | Promise<FactoryOptions>;
}

/** The module's view of AppConfig: the server's, with the options given. */
export function sessionMgmtConfig(root: AppConfig, o: FactoryOptions): AppConfig {
  return {
    ...root,
    ...(o.userKeyAttribute !== undefined && { sessionUserKeyAttribute: o.userKeyAttribute }),
    ...(o.revocationLifetime !== undefined && { sessionRevocationLifetime: o.revocationLifetime }),
    ...(o.revocationListMax !== undefined && { sessionRevocationListMax: o.revocationListMax }),
    ...(o.purgeInterval !== undefined && { sessionRevocationPurgeInterval: o.purgeInterval }),
  };
}
