import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { HttpException, UnauthorizedException } from '@nestjs/common';
import { describeWith, postgresRequirement } from '../../../../test/support/requirements';
import { isStoreUnavailable, normalizeError } from './normalize-error';

/** A loopback server that accepts connections and then does `onConnection` with them. */
async function tcpServer(onConnection: (s: import('node:net').Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function closedPort(): Promise<number> {
  const { server, port } = await tcpServer(() => undefined);
  await new Promise((r) => server.close(r));
  return port;
}

async function pgError(port: number, options: { connectionTimeoutMillis?: number } = {}): Promise<unknown> {
  const client = new Client({ host: '127.0.0.1', port, user: 'x', database: 'x', ...options });
  client.on('error', () => undefined);
  return client.connect().then(() => new Error('connected'), (err: unknown) => err);
}

function expect503(err: unknown): void {
  expect(isStoreUnavailable(err)).toBe(true);
  const { error, unexpected } = normalizeError(err);
  expect(error).toMatchObject({ status: 503, code: 'temporarily_unavailable', headers: { 'Retry-After': expect.stringMatching(/^\d+$/) } });
  expect(unexpected).toBe(true);
}

describe('isStoreUnavailable / normalizeError: 503 for a store that cannot answer now', () => {
  describe('PostgreSQL (node-postgres errors, produced for real)', () => {
    it('a refused connection (ECONNREFUSED)', async () => {
      expect503(await pgError(await closedPort()));
    });

    it('a connection the server drops (Connection terminated unexpectedly)', async () => {
      const { server, port } = await tcpServer((s) => s.destroy());
      try {
        const err = await pgError(port);
        expect((err as Error).message).toMatch(/Connection terminated/);
        expect503(err);
      } finally {
        server.close();
      }
    });

    it('a server that never answers (connection timeout), alone and through a pool', async () => {
      const held: import('node:net').Socket[] = [];
      const { server, port } = await tcpServer((s) => held.push(s));
      try {
        expect503(await pgError(port, { connectionTimeoutMillis: 100 }));
        const pool = new Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: 100, max: 1 });
        pool.on('error', () => undefined);
        expect503(await pool.query('SELECT 1').catch((e: unknown) => e));
        await pool.end();
      } finally {
        held.forEach((s) => s.destroy());
        server.close();
      }
    });

    it.each([
      ['57P01', 'admin_shutdown'], ['57P03', 'cannot_connect_now'], ['08006', 'connection_failure'], ['53300', 'too_many_connections'],
      ['53100', 'disk_full'], ['40001', 'serialization_failure'], ['40P01', 'deadlock_detected'],
      ['28P01', 'invalid_password'], ['28000', 'invalid_authorization_specification'], ['3D000', 'invalid_catalog_name'],
    ])('SQLSTATE %s (%s), raw and wrapped in a TypeORM QueryFailedError', (code) => {
      const driverError = Object.assign(new Error('terminating'), { code });
      expect503(driverError);
      expect503(new QueryFailedError('SELECT 1', [], driverError));
    });

    it('an error whose cause is one (a rolled-back revocation)', () => {
      expect503(new Error('Global token revocation rolled back', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }));
    });
  });

  const postgres = postgresRequirement();
  describeWith(postgres, 'PostgreSQL refusing the server\'s connections (errors of a real server, TEST_DATABASE_URL\'s)', () => {
    /** What connecting to TEST_DATABASE_URL's server as `user` to `database` fails with. */
    async function refusal(change: { user?: string; database?: string }): Promise<unknown> {
      const url = new URL(postgres.url!);
      const client = new Client({
        host: url.hostname, port: Number(url.port || 5432), user: change.user ?? decodeURIComponent(url.username),
        database: change.database ?? url.pathname.slice(1), connectionTimeoutMillis: 5000,
      });
      client.on('error', () => undefined);
      return client.connect().then(async () => {
        await client.end();
        return new Error('connected');
      }, (err: unknown) => err);
    }

    it('a role that does not exist (28000): the store refuses this server until its settings are fixed', async () => {
      const err = await refusal({ user: 'no_such_role_2a9c' });
      expect(err).toMatchObject({ code: '28000' });
      expect503(err);
    });

    it('a database that does not exist (3D000)', async () => {
      const err = await refusal({ database: 'no_such_database_2a9c' });
      expect(err).toMatchObject({ code: '3D000' });
      expect503(err);
    });
  });

  describe('SQLite (better-sqlite3 errors)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'normalize-error-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('SQLITE_BUSY: another connection holds the write lock', () => {
      const file = join(dir, 'busy.sqlite');
      const holder = new Database(file);
      holder.pragma('journal_mode = WAL');
      holder.exec('CREATE TABLE t (x)');
      const other = new Database(file);
      other.pragma('busy_timeout = 0');
      holder.exec('BEGIN EXCLUSIVE');
      try {
        let err: unknown;
        try {
          other.exec('INSERT INTO t VALUES (1)');
        } catch (e) {
          err = e;
        }
        expect((err as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
        expect503(err);
        expect503(new QueryFailedError('INSERT', [], err as Error));
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
        other.close();
      }
    });

    it('SQLITE_READONLY: the file cannot be written', () => {
      const file = join(dir, 'ro.sqlite');
      new Database(file).exec('CREATE TABLE t (x)');
      const ro = new Database(file, { readonly: true });
      let err: unknown;
      try {
        ro.exec('INSERT INTO t VALUES (1)');
      } catch (e) {
        err = e;
      } finally {
        ro.close();
      }
      expect((err as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
      expect503(err);
    });

    it.each(['SQLITE_IOERR', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_WRITE', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED_SHAREDCACHE'])('%s (extended codes too)', (code) => {
      expect503(Object.assign(new Error('disk I/O error'), { code }));
    });
  });

  it('text PostgreSQL cannot hold (NUL: 22021, 22P05) is the request\'s fault: 400, not 500', () => {
    for (const code of ['22021', '22P05']) {
      const err = new QueryFailedError('SELECT', [], Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code }));
      expect(isStoreUnavailable(err)).toBe(false);
      expect(normalizeError(err)).toMatchObject({ error: { status: 400, code: 'invalid_request' }, unexpected: false });
    }
  });

  describe('errors that are not outages stay what they are', () => {
    it.each([
      ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
      ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
      ['a SQLite constraint', Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
      ['a plain error', new Error('disk I/O error')],
      ['a non-error', 'boom'],
    ])('%s → 500 without details', (_what, err) => {
      expect(isStoreUnavailable(err)).toBe(false);
      const { error } = normalizeError(err);
      expect(error).toMatchObject({ status: 500, code: 'server_error', description: 'An unexpected error occurred.' });
    });
  });
});

describe('normalizeError: HttpExceptions', () => {
  it('keeps an OAuth error body thrown as is (a bearer guard\'s invalid_token), not a code guessed from the status', () => {
    const { error } = normalizeError(new HttpException({ error: 'invalid_token', error_description: 'The access token has been revoked.' }, 401));
    expect([error.status, error.code, error.description]).toEqual([401, 'invalid_token', 'The access token has been revoked.']);
  });

  it('maps Nest\'s own bodies by status', () => {
    const { error } = normalizeError(new UnauthorizedException());
    expect([error.status, error.code]).toEqual([401, 'invalid_client']);
  });
});
