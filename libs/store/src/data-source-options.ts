import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSource, DataSourceOptions, ObjectLiteral } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export type StoreKind = 'sqlite' | 'postgres';

export function storeKind(databaseUrl: string): StoreKind {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * TypeORM options for a DATABASE_URL: `sqlite:PATH` (WAL, synchronous=FULL so an
 * acknowledged write survives a crash) or `postgres://…`. Schema comes from migrations only.
 */
export function dataSourceOptions(databaseUrl: string, schema?: string): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
  if (storeKind(databaseUrl) === 'sqlite') {
    const path = databaseUrl.slice('sqlite:'.length);
    const database = path === ':memory:' ? ':memory:' : resolve(path);
    if (database !== ':memory:') createPrivateSqliteFile(database);
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      enableWAL: true,
      // Prepared statements, reused by SQL text (see bindIntegerParameters).
      statementCacheSize: 500,
      prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: databaseUrl,
    ...(schema ? { schema } : {}),
    extra: {
      max: 20,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      // Idle connections do not hold the process open: a CLI command or a host whose start-up
      // failed while the store was still connecting can exit (the server's listener keeps it alive).
      allowExitOnIdle: true,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    },
  };
}

/**
 * The store holds secret hashes and (sealed or not) private keys: its folder is created 0700 and
 * the file 0600 before SQLite opens it, which would create it 0644; SQLite gives the `-wal` and
 * `-shm` files the database file's mode. A file left readable by others (an earlier version's)
 * is narrowed to its owner (when this process owns it). A folder that already exists is left alone: it may be shared (/tmp).
 */
function createPrivateSqliteFile(database: string): void {
  mkdirSync(dirname(database), { recursive: true, mode: 0o700 });
  closeSync(openSync(database, 'a', 0o600));
  for (const file of [database, `${database}-wal`, `${database}-shm`]) {
    const stat = existsSync(file) ? statSync(file) : undefined;
    if (stat && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) chmodSync(file, 0o600);
  }
}

/** Creates a PostgreSQL schema if missing (migrations then build the tables inside it). */
export async function ensurePostgresSchema(databaseUrl: string, schema: string): Promise<void> {
  if (storeKind(databaseUrl) !== 'postgres') return;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

/**
 * TypeORM's SQLite driver writes a number parameter into the SQL text as a literal (so that
 * large `IN` lists stay under SQLite's parameter limit). Every query carrying a timestamp then
 * has a text of its own: better-sqlite3 prepares it anew, and the statement cache, first in
 * first out, loses the statements every request repeats. Here a scalar integer is bound as a
 * parameter instead (a BigInt, which SQLite stores and compares as the same INTEGER), so the
 * text stays the same from call to call. Lists (`:...ids`) are bound as before. No effect on
 * PostgreSQL, whose driver binds every value already.
 */
export function bindIntegerParameters(dataSource: DataSource): DataSource {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource;
  const driver = dataSource.driver;
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql: string, parameters: ObjectLiteral) => {
    let bound: ObjectLiteral | undefined;
    for (const key of parameters ? Object.keys(parameters) : []) {
      const value: unknown = parameters[key];
      if (typeof value === 'number' && Number.isSafeInteger(value)) (bound ??= { ...parameters })[key] = BigInt(value);
    }
    return escape(sql, bound ?? parameters);
  };
  return dataSource;
}
