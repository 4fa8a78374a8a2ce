import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { StoreConfig } from '@app/common';

/** Options of StoreModule.forRoot; each one left out keeps the server's configuration (its `store` slice). */
export interface StoreModuleOptions {
  /** `sqlite:PATH` or `postgres://…` (DATABASE_URL, default `sqlite:./data/revocation.sqlite`). */
  databaseUrl?: string;
  /** PostgreSQL schema instead of `public`, created if missing (DATABASE_SCHEMA); ignored for SQLite. */
  schema?: string;
  /** Apply pending migrations at start (default `true`); `false` leaves them to the host (`npm run migration:run`), and the store must be current. */
  migrationsRun?: boolean;
  /** Further attempts, 1 s apart, when the first connection fails (default 2: a store that is still starting; 0 fails at once). */
  connectRetries?: number;
}

/** StoreModule.forRootAsync: `{ imports, inject, useFactory }` (or `useClass`). */
export type StoreModuleAsyncOptions = ConfigurableModuleAsyncOptions<StoreModuleOptions>;

/** Exported by StoreModule (global), so the TypeORM root module reads it; absent when StoreModule is imported as is. */
export const STORE_OPTIONS = Symbol('STORE_OPTIONS');

/** The options in effect: the server's configuration, with the options given. */
export function resolveStoreOptions(root: Pick<StoreConfig, 'databaseUrl' | 'databaseSchema'>, o: StoreModuleOptions = {}): Required<Pick<StoreModuleOptions, 'databaseUrl' | 'migrationsRun' | 'connectRetries'>> & Pick<StoreModuleOptions, 'schema'> {
  if (o.databaseUrl !== undefined && !/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(o.databaseUrl)) throw new Error('StoreModule: databaseUrl must be sqlite:PATH or postgres://…');
  if (o.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(o.schema)) throw new Error(`StoreModule: schema must be a lower-case PostgreSQL identifier, got ${o.schema}`);
  if (o.connectRetries !== undefined && !(Number.isInteger(o.connectRetries) && o.connectRetries >= 0 && o.connectRetries <= 100)) throw new Error(`StoreModule: connectRetries must be a whole number from 0 to 100, got ${o.connectRetries}`);
  return {
    databaseUrl: o.databaseUrl ?? root.databaseUrl,
    // A URL given without a schema is a store of its own: the server's schema belongs to the server's URL.
    schema: o.schema ?? (o.databaseUrl === undefined ? root.databaseSchema : undefined),
    migrationsRun: o.migrationsRun ?? true,
    connectRetries: o.connectRetries ?? 2,
  };
}
