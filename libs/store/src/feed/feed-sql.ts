import { DataSource } from 'typeorm';

export interface PgClient {
  query(config: string | { text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[] }>;
  release(): void;
}
/** The pg Pool under TypeORM's driver (its connections carry the schema in search_path: see dataSourceOptions). */
export interface PgPool { connect(): Promise<PgClient> }
interface SqliteConnection { prepare(sql: string): { raw(on: boolean): { all(...params: unknown[]): unknown[] } } }

/** Raw reads for the revocation feed and its snapshot, on either store. */
export class FeedSql {
  constructor(private readonly dataSource: DataSource) {}

  pgPool(): PgPool | undefined {
    return this.dataSource.options.type === 'postgres' ? (this.dataSource.driver as unknown as { master?: PgPool }).master : undefined;
  }

  /**
   * Rows as arrays of column values. On SQLite straight from better-sqlite3 (synchronous
   * anyway), without TypeORM's row objects: a million-entry load then leaves far less garbage.
   */
  async rows<T extends unknown[]>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    const sqlite = this.dataSource.options.type === 'better-sqlite3' ? (this.dataSource.driver as unknown as { databaseConnection?: SqliteConnection }).databaseConnection : undefined;
    if (sqlite) return sqlite.prepare(text).raw(true).all(...values) as T[];
    const objects = (await this.dataSource.query(text, values)) as Record<string, unknown>[];
    return objects.map((o) => Object.values(o) as T);
  }

  query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values) as Promise<T[]>;
  }
}
