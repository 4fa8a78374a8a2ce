import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { bindIntegerParameters, dataSourceOptions } from './data-source-options';

describe('bindIntegerParameters (SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;
  const AT = 1_795_498_375_127;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revocation-bind-'));
    dataSource = bindIntegerParameters(new DataSource({ ...dataSourceOptions(`sqlite:${join(dir, 'store.sqlite')}`), entities: [], migrations: [] }));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE sample (id integer PRIMARY KEY, at bigint NOT NULL, ratio real, label varchar)');
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const escape = (sql: string, params: Record<string, unknown>) => dataSource.driver.escapeQueryWithParameters(sql, params);

  it('keeps the SQL text the same whatever the integers, so its prepared statement is reused', () => {
    const [first, firstParams] = escape('SELECT id FROM sample WHERE at > :at AND id IN (:...ids) LIMIT :limit', { at: AT, ids: [1, 2], limit: 10 });
    const [second] = escape('SELECT id FROM sample WHERE at > :at AND id IN (:...ids) LIMIT :limit', { at: AT + 1, ids: [3, 4], limit: 20 });
    expect(first).toBe('SELECT id FROM sample WHERE at > ? AND id IN (?, ?) LIMIT ?');
    expect(second).toBe(first);
    expect(firstParams).toEqual([BigInt(AT), 1, 2, 10n]);
  });

  it('stores, compares and reads integers bound this way as the literals did', async () => {
    const insert = (id: number, at: number, ratio: number, label: string | number) => dataSource.query(...escape(
      'INSERT INTO sample (id, at, ratio, label) VALUES (:id, :at, :ratio, :label)', { id, at, ratio, label },
    ));
    await insert(1, AT, 0.5, 7);
    await insert(2, AT + 1000, 1.25, 'x');
    const after = await dataSource.query(...escape('SELECT id, at, ratio, label FROM sample WHERE at > :since ORDER BY id LIMIT :limit', { since: AT, limit: 5 }));
    expect(after).toEqual([{ id: 2, at: AT + 1000, ratio: 1.25, label: 'x' }]);
    // An integer bound to a text column is stored as its text, as a literal would be.
    expect(await dataSource.query(...escape('SELECT id, typeof(label) AS t FROM sample WHERE label = :label', { label: '7' }))).toEqual([{ id: 1, t: 'text' }]);
    expect(await dataSource.query(...escape('SELECT typeof(at) AS t FROM sample WHERE id = :id', { id: 1 }))).toEqual([{ t: 'integer' }]);
    // Not an integer: left to the driver, as before.
    expect(await dataSource.query(...escape('SELECT id FROM sample WHERE ratio = :ratio', { ratio: 1.25 }))).toEqual([{ id: 2 }]);
  });

  it('leaves a PostgreSQL data source alone', () => {
    const pg = new DataSource({ type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' });
    const before = pg.driver.escapeQueryWithParameters;
    expect(bindIntegerParameters(pg).driver.escapeQueryWithParameters).toBe(before);
  });
});

describe('dataSourceOptions (SQLite file)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'revocation-mode-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('creates the folder 0700 and the file, its WAL and shared-memory files 0600: they hold the keys', async () => {
    const file = join(dir, 'nested', 'data', 'store.sqlite');
    const dataSource = new DataSource({ ...dataSourceOptions(`sqlite:${file}`), entities: [], migrations: [] });
    await dataSource.initialize();
    try {
      await dataSource.query('CREATE TABLE sample (id integer PRIMARY KEY)');
      expect(mode(join(dir, 'nested'))).toBe(0o700);
      expect(mode(join(dir, 'nested', 'data'))).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('narrows a file an earlier version left readable by others, and leaves an existing folder alone', () => {
    const file = join(dir, 'store.sqlite');
    writeFileSync(file, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    chmodSync(dir, 0o755);
    dataSourceOptions(`sqlite:${file}`);
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o755);
  });
});
