import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig } from '@app/common';
import { runCli } from '../apps/cli/src/cli';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

interface Run { code: number; stdout: string; stderr: string }

describe('Admin CLI', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let config: Partial<AppConfig>;
  let dir: string;

  const cli = async (...argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } }, { config });
    return { code, stdout, stderr };
  };

  beforeAll(() => {
    store = testStoreConfig();
    config = { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema };
    dir = mkdtempSync(join(tmpdir(), 'cli-'));
  });
  afterAll(() => {
    store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints help for the program and for each command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: revocation-admin/);
    expect(top.stdout).toMatch(/import \[options\] <file>/);
    expect(top.stdout).toMatch(/clients/);
    const create = await cli('clients', 'create', '--help');
    expect(create.code).toBe(0);
    for (const flag of ['--secret', '--scope', '--grant-type', '--auth-method', '--session-revocation-api', '--session-management-api', '--json']) {
      expect(create.stdout).toContain(flag);
    }
    expect((await cli('clients', 'list', '--help')).stdout).toContain('--json');
    expect((await cli('import', '--help')).stdout).toContain('<file>');
  });

  it('lists no clients in an empty store', async () => {
    expect(await cli('clients', 'list')).toEqual({ code: 0, stdout: 'No clients.\n', stderr: '' });
    expect(await cli('clients', 'list', '--json')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  describe('with the server running on the same store', () => {
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(config); });
    afterAll(async () => { await t.close(); });

    it('creates the first admin client, printing its random secret once, which the server then accepts', async () => {
      const run = await cli('clients', 'create', 'admin', '--scope', 'admin', '--grant-type', 'client_credentials');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Created client "admin" \(client_secret_basic; grant types client_credentials; scopes admin\)\.\n/);
      const secret = /shown only this once.*: ([A-Za-z0-9_-]{43})\n$/.exec(run.stdout)?.[1];
      expect(secret).toBeDefined();

      const token = await request(t.server).post('/token').auth('admin', secret!).type('form').send({ grant_type: 'client_credentials', scope: 'admin' });
      expect(token.status).toBe(200);
      const clients = await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${token.body.access_token}`);
      expect(clients.status).toBe(200);
      expect(clients.body.map((c: { client_id: string }) => c.client_id)).toEqual(['admin']);
    });

    it('imports a file into the store the server reads', async () => {
      const file = join(dir, 'import.json');
      writeFileSync(file, JSON.stringify({
        clients: [{ client_id: 'rp1', client_secret: 'rp1-secret', grant_types: ['password', 'refresh_token'], scopes: ['openid', 'profile'] }],
        users: [{ uid: 'breakfast', password: 'a-password', attributes: { mail: 'breakfast@example.com' } }],
        feature_flags: { GLOBAL_TOKEN_REVOCATION: true },
      }));
      const run = await cli('import', file, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        clients: { created: 1, updated: 0, unchanged: 0 }, users: { created: 1, updated: 0, unchanged: 0 }, feature_flags: 1,
      });
      const again = await cli('import', file);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(
        `Imported ${file}\n` +
        '               RESULT\n' +
        'clients        0 created, 0 updated, 1 unchanged\n' +
        'users          0 created, 0 updated, 1 unchanged\n' +
        'feature flags  1 set\n',
      );
      const login = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form')
        .send({ grant_type: 'password', username: 'breakfast', password: 'a-password' });
      expect(login.status).toBe(200);
    });
  });

  it('creates a client with a given secret and options, without echoing the secret', async () => {
    const run = await cli('clients', 'create', 'pf', '--secret', 'pf-secret-123', '--scope', 'openid profile', '--scope', 'api',
      '--grant-type', 'client_credentials,password', '--auth-method', 'client_secret_post', '--session-revocation-api', '--session-management-api', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.client_secret).toBeUndefined();
    expect(out.client).toMatchObject({
      client_id: 'pf', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials', 'password'],
      scopes: ['openid', 'profile', 'api'], session_revocation_api: true, session_management_api: true, has_secret: true,
    });
    expect(run.stdout).not.toContain('pf-secret-123');
  });

  it('lists clients as a table and as JSON, never with secrets', async () => {
    const run = await cli('clients', 'list');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'CLIENT_ID  AUTH_METHOD          GRANT_TYPES                  SCOPES              SESSION_APIS',
      'admin      client_secret_basic  client_credentials           admin               -',
      'pf         client_secret_post   client_credentials,password  openid,profile,api  revocation,management',
      'rp1        client_secret_basic  password,refresh_token       openid,profile      -',
      '',
    ]);
    const listed = await cli('clients', 'list', '--json');
    expect(JSON.parse(listed.stdout).map((c: { client_id: string }) => c.client_id)).toEqual(['admin', 'pf', 'rp1']);
    expect(listed.stdout).not.toMatch(/scrypt|secret_hash/);
  });

  it('fails with a one-line reason and a non-zero exit on bad input', async () => {
    const cases: [string[], number, RegExp][] = [
      [['clients', 'create', 'admin'], 1, /^error: A client with the id "admin" exists\.\n$/],
      [['clients', 'create', 'x', '--grant-type', 'implicit'], 1, /^error: invalid client: grant_types\[0\]: must be one of client_credentials, password, refresh_token, authorization_code\n$/],
      [['clients', 'create', 'x', '--secret', 'short'], 1, /^error: invalid client: client_secret: must be at least 8 characters long\n$/],
      [['clients', 'create', 'x', '--auth-method', 'magic'], 2, /^error: option '--auth-method <method>' argument 'magic' is invalid\. Allowed choices are client_secret_basic, client_secret_post, private_key_jwt, none\.\n$/],
      [['clients', 'create', 'x', '--bogus'], 2, /^error: unknown option '--bogus'\n$/],
      [['clients', 'create'], 2, /^error: missing required argument 'id'\n$/],
      [['clients', 'list', 'extra'], 2, /^error: too many arguments for 'list'/],
      [['frobnicate'], 2, /^error: unknown command 'frobnicate'\n$/],
      [['import', join(dir, 'missing.json')], 1, /^error: Import file .*missing\.json: cannot be read \(no such file\)\n$/],
    ];
    for (const [argv, code, stderr] of cases) {
      const run = await cli(...argv);
      expect([argv, run.code, run.stdout]).toEqual([argv, code, '']);
      expect(run.stderr).toMatch(stderr);
    }
    expect(JSON.parse((await cli('clients', 'list', '--json')).stdout)).toHaveLength(3);
  });

  it('refuses a bad import file naming each problem by its path, and writes nothing', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'new', client_secret: 'new-secret' }, { client_id: 'x', scopes: ['a b'] }], users: 'nobody' }));
    const run = await cli('import', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: Import file ${file} has 2 problems: users: must be an array; clients[1].scopes[0]: must be a scope token (printable ASCII, no spaces, quotes or backslashes)\n`);
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'new', client_secret: 'new-secret' }, { client_id: 'x' }] }));
    expect((await cli('import', file)).stderr).toBe(`error: Import file ${file}: clients[1].client_secret: is required with client_secret_basic (the client is new)\n`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    expect((await cli('import', broken)).stderr).toMatch(/^error: Import file .*broken\.json: is not valid JSON \(.+\)\n$/);
    expect(JSON.parse((await cli('clients', 'list', '--json')).stdout).map((c: { client_id: string }) => c.client_id)).toEqual(['admin', 'pf', 'rp1']);
  });

  it('reports a bad configuration in one line', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'mysql://nope';
    try {
      const run = await cli('clients', 'list');
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('error: Invalid configuration: DATABASE_URL="mysql://nope": DATABASE_URL must be sqlite:PATH or postgres://…\n');
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
