import { RevocationFeedFollower } from '@app/auth';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { ConfigOverrides } from '@app/common';
import { GlobalRevocationService } from '@app/revocation';
import { RevokedSriRepository } from '@app/store';
import { runCli } from '../apps/cli/src/cli';
import { introspect } from './support/fixtures';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

interface Run { code: number; stdout: string; stderr: string }

describe('Admin CLI', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let config: ConfigOverrides;
  let dir: string;
  const running = new Set<TestApp>();

  /** Runs the CLI in-process on this file's store; `stdin`, when given, is what standard input holds. */
  const cliOn = async (cfg: ConfigOverrides, argv: string[], stdin?: string): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; }, ...(stdin !== undefined ? { stdin: async () => stdin } : {}) };
    const code = await runCli(argv, io, { config: cfg });
    // Another process's change reaches a running server through the revocation feed, read every
    // 50 ms: wait for that read instead of racing it.
    await Promise.all([...running].map((s) => s.app.get(RevocationFeedFollower).sync()));
    return { code, stdout, stderr };
  };
  const cli = (...argv: string[]) => cliOn(config, argv);
  const cliStdin = (stdin: string, ...argv: string[]) => cliOn(config, argv, stdin);

  beforeAll(() => {
    store = testStoreConfig();
    dir = mkdtempSync(join(tmpdir(), 'cli-'));
    // The CLI's audit lines go to this file's directory, never to ./logs.
    config = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, audit: { file: join(dir, 'runtime-api.log') } };
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
    beforeAll(async () => { t = await startTestApp(config); running.add(t); });
    afterAll(async () => { running.delete(t); await t.close(); });

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
      '--grant-type', 'client_credentials,password', '--auth-method', 'client_secret_post', '--session-revocation-api', '--session-management-api',
      '--access-token-format', 'reference', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.client_secret).toBeUndefined();
    expect(out.client).toMatchObject({
      client_id: 'pf', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials', 'password'],
      scopes: ['openid', 'profile', 'api'], session_revocation_api: true, session_management_api: true, has_secret: true, access_token_format: 'reference',
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
    expect(listed.stdout).not.toMatch(/scrypt|sha256\$|secret_hash/);
  });

  it('fails with a one-line reason and a non-zero exit on bad input', async () => {
    const cases: [string[], number, RegExp][] = [
      [['clients', 'create', 'admin'], 1, /^error: A client with the id "admin" exists\.\n$/],
      [['clients', 'create', 'x', '--grant-type', 'implicit'], 1, /^error: invalid client: grant_types\[0\]: must be one of client_credentials, password, refresh_token, authorization_code\n$/],
      [['clients', 'create', 'x', '--secret', 'short'], 1, /^error: invalid client: client_secret: must be at least 8 characters long\n$/],
      [['clients', 'create', 'x', '--auth-method', 'magic'], 2, /^error: option '--auth-method <method>' argument 'magic' is invalid\. Allowed choices are client_secret_basic, client_secret_post, private_key_jwt, none\.\n$/],
      [['clients', 'create', 'x', '--access-token-format', 'opaque'], 2, /^error: option '--access-token-format <format>' argument 'opaque' is invalid\. Allowed choices are jwt, reference\.\n$/],
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

  describe('every command', () => {
    const COMMANDS = [
      ['import'], ['export'],
      ['clients', 'create'], ['clients', 'list'], ['clients', 'show'], ['clients', 'rotate-secret'], ['clients', 'delete'],
      ['users', 'create'], ['users', 'list'], ['users', 'revoke'],
      ['flags', 'list'], ['flags', 'enable'], ['flags', 'disable'],
      ['sessions', 'list'],
    ];

    it('is listed in the help of its group, and has its own --help with --json (export: --output)', async () => {
      const top = (await cli('--help')).stdout;
      for (const group of ['import', 'export', 'clients', 'users', 'flags', 'sessions']) expect(top).toMatch(new RegExp(`^  ${group}\\b`, 'm'));
      for (const group of ['clients', 'users', 'flags', 'sessions']) {
        const help = await cli(group, '--help');
        expect([group, help.code, help.stderr]).toEqual([group, 0, '']);
        for (const [, sub] of COMMANDS.filter(([g]) => g === group)) expect(help.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
      }
      for (const command of COMMANDS) {
        const help = await cli(...command, '--help');
        expect([command, help.code, help.stderr]).toEqual([command, 0, '']);
        expect(help.stdout).toMatch(new RegExp(`^Usage: revocation-admin ${command.join(' ')} `));
        expect(help.stdout).toContain(command[0] === 'export' ? '--output <file>' : '--json');
      }
    });

    it('a group without its command prints the group\'s help on stderr and exits 2', async () => {
      const run = await cli('users');
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^Usage: revocation-admin users \[options\] \[command\]/);
      expect(await cli('users', 'frobnicate')).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'frobnicate'\n" });
    });
  });

  describe('clients show, rotate-secret, delete (with the server running on the same store)', () => {
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(config); running.add(t); });
    afterAll(async () => { running.delete(t); await t.close(); });

    const clientToken = (id: string, secret: string, scope?: string) =>
      request(t.server).post('/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });

    it('shows one client as fields and as JSON, never its secret', async () => {
      const run = await cli('clients', 'show', 'pf');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      const lines = run.stdout.split('\n');
      expect(lines.slice(0, 18)).toEqual([
        'client_id                     pf',
        'client_name                   -',
        'token_endpoint_auth_method    client_secret_post',
        'secret                        set (only its hash is stored)',
        'grant_types                   client_credentials,password',
        'scopes                        openid,profile,api',
        'redirect_uris                 -',
        'post_logout_redirect_uris     -',
        'backchannel_logout_uri        -',
        'caep_receiver_uri             -',
        'session_revocation_api        yes',
        'session_management_api        yes',
        'jwks                          -',
        'jwks_uri                      -',
        'session_validation            -',
        'access_token_format           reference',
        'id_token_signed_response_alg  RS256',
        'resources                     -',
      ]);
      expect(lines[18]).toMatch(/^created_at {20}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const shown = JSON.parse((await cli('clients', 'show', 'pf', '--json')).stdout);
      expect(shown).toMatchObject({ client_id: 'pf', has_secret: true, session_revocation_api: true, session_management_api: true });
      expect(JSON.stringify(shown)).not.toMatch(/scrypt|pf-secret-123/);
      expect(await cli('clients', 'show', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'error: No client with the id "nope".\n' });
    });

    it('rotates a secret: the new one, printed once, works at once and the old one no longer does', async () => {
      expect((await clientToken('admin-2', 'x')).status).toBe(401);
      const created = await cli('clients', 'create', 'svc', '--secret', 'svc-old-secret', '--scope', 'api');
      expect(created.code).toBe(0);
      expect((await clientToken('svc', 'svc-old-secret')).status).toBe(200);

      const run = await cli('clients', 'rotate-secret', 'svc');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      const secret = /^Rotated the secret of client "svc"; the old one no longer works\.\nClient secret, shown only this once \(only its hash is stored\): ([A-Za-z0-9_-]{43})\n$/.exec(run.stdout)?.[1];
      expect(secret).toBeDefined();
      expect((await clientToken('svc', 'svc-old-secret')).status).toBe(401);
      expect((await clientToken('svc', secret!)).status).toBe(200);

      const given = await cli('clients', 'rotate-secret', 'svc', '--secret', 'svc-given-secret', '--json');
      expect(given.code).toBe(0);
      expect(JSON.parse(given.stdout)).toMatchObject({ client: { client_id: 'svc', has_secret: true } });
      expect(given.stdout).not.toContain('svc-given-secret');
      expect((await clientToken('svc', 'svc-given-secret')).status).toBe(200);

      const piped = await cliStdin('svc-stdin-secret\n', 'clients', 'rotate-secret', 'svc', '--secret-stdin');
      expect(piped).toEqual({ code: 0, stdout: 'Rotated the secret of client "svc"; the old one no longer works.\n', stderr: '' });
      expect((await clientToken('svc', 'svc-stdin-secret')).status).toBe(200);
      expect((await clientToken('svc', 'svc-given-secret')).status).toBe(401);
    });

    it('refuses a rotation it cannot do, with one line', async () => {
      expect((await cli('clients', 'create', 'spa', '--auth-method', 'none', '--grant-type', 'refresh_token', '--scope', 'openid')).code).toBe(0);
      const cases: [string[], number, string][] = [
        [['clients', 'rotate-secret', 'spa'], 1, 'error: The client "spa" authenticates with none and has no secret.\n'],
        [['clients', 'rotate-secret', 'nope'], 1, 'error: No client with the id "nope".\n'],
        [['clients', 'rotate-secret', 'svc', '--secret', 'short'], 1, 'error: invalid secret: client_secret: must be at least 8 characters long\n'],
        [['clients', 'rotate-secret', 'svc', '--secret', 'svc-secret-x', '--secret-stdin'], 2, 'error: give --secret or --secret-stdin, not both\n'],
        [['clients', 'rotate-secret'], 2, "error: missing required argument 'id'\n"],
      ];
      for (const [argv, code, stderr] of cases) expect([argv, await cli(...argv)]).toEqual([argv, { code, stdout: '', stderr }]);
      expect(await cliStdin('', 'clients', 'rotate-secret', 'svc', '--secret-stdin')).toEqual({ code: 1, stdout: '', stderr: 'error: standard input holds no secret\n' });
      expect((await clientToken('svc', 'svc-stdin-secret')).status).toBe(200);
    });

    it('deletes a client, whose tokens stop working at once', async () => {
      expect((await cli('clients', 'create', 'ops', '--secret', 'ops-secret-1', '--scope', 'admin')).code).toBe(0);
      const token = (await clientToken('ops', 'ops-secret-1', 'admin')).body.access_token as string;
      const asOps = () => request(t.server).get('/admin/clients').set('Authorization', `Bearer ${token}`);
      expect((await asOps()).status).toBe(200);

      expect(await cli('clients', 'delete', 'ops')).toEqual({ code: 0, stdout: 'Deleted client "ops" and revoked every token it was issued.\n', stderr: '' });
      expect((await asOps()).status).toBe(401);
      expect((await clientToken('ops', 'ops-secret-1')).status).toBe(401);
      expect(await cli('clients', 'delete', 'ops')).toEqual({ code: 1, stdout: '', stderr: 'error: No client with the id "ops".\n' });
      expect((await cli('clients', 'create', 'gone', '--secret', 'gone-secret')).code).toBe(0);
      expect(await cli('clients', 'delete', 'gone', '--json')).toEqual({ code: 0, stdout: '{\n  "deleted": "gone"\n}\n', stderr: '' });
      expect(JSON.parse((await cli('clients', 'list', '--json')).stdout).map((c: { client_id: string }) => c.client_id)).toEqual(['admin', 'pf', 'rp1', 'spa', 'svc']);
    });
  });

  describe('users and sessions (with the server running on the same store)', () => {
    let t: TestApp;
    let aliceSub: string;
    beforeAll(async () => { t = await startTestApp(config); running.add(t); });
    afterAll(async () => { running.delete(t); await t.close(); });

    const login = async (uid: string, password: string) => {
      const res = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'password', username: uid, password, scope: 'openid profile' });
      expect(res.status).toBe(200);
      return { accessToken: res.body.access_token as string, sri: decodeJwt(res.body.id_token as string)['pi.sri'] as string };
    };

    it('creates users: password from standard input or an option, attributes, a chosen subject id', async () => {
      const alice = await cliStdin('alice-password\n', 'users', 'create', 'alice', '--password-stdin', '--attribute', 'mail=alice@example.com', '--attribute', 'name=Alice A.', '--json');
      expect(alice.stderr).toBe('');
      expect(alice.code).toBe(0);
      const user = JSON.parse(alice.stdout);
      expect(user).toMatchObject({ attributes: { uid: 'alice', mail: 'alice@example.com', name: 'Alice A.' }, has_password: true });
      expect(user.sub).toMatch(/^[0-9a-f-]{36}$/);
      expect(alice.stdout).not.toContain('alice-password');
      aliceSub = user.sub;
      await login('alice', 'alice-password');

      expect(await cli('users', 'create', 'bob', '--sub', 'bob-1', '--password', 'bob-password'))
        .toEqual({ code: 0, stdout: 'Created user "bob" with the subject id bob-1.\n', stderr: '' });
      expect(await cli('users', 'create', 'carol', '--sub', 'carol-1'))
        .toEqual({ code: 0, stdout: 'Created user "carol" with the subject id carol-1 (no password: cannot sign in with one).\n', stderr: '' });
    });

    it('refuses a bad or conflicting user with one line', async () => {
      const cases: [string[], number, string][] = [
        [['users', 'create', 'alice'], 1, 'error: A user with the uid "alice" exists.\n'],
        [['users', 'create', 'bobby', '--sub', 'bob-1'], 1, 'error: A user with the sub "bob-1" exists.\n'],
        [['users', 'create', 'dave', '--attribute', '1x=y'], 1, 'error: invalid user: attributes["1x"]: is not a valid attribute name (^[A-Za-z][A-Za-z0-9_.:-]{0,127}$)\n'],
        [['users', 'create', 'dave', '--sub', 'has space'], 1, 'error: invalid user: sub: must be letters, digits and . _ : @ - (64 at most), starting with a letter or digit\n'],
        [['users', 'create', 'dave', '--attribute', 'novalue'], 2, "error: option '--attribute <name=value>' argument 'novalue' is invalid. expected NAME=VALUE.\n"],
        [['users', 'create', 'dave', '--password', 'pw-pw-pw', '--password-stdin'], 2, 'error: give --password or --password-stdin, not both\n'],
        [['users', 'list', '--limit', '501'], 2, "error: option '--limit <n>' argument '501' is invalid. expected an integer from 1 to 500.\n"],
        [['users', 'list', '--offset', '-1'], 2, "error: option '--offset <n>' argument '-1' is invalid. expected an integer from 0 to 1000000000.\n"],
      ];
      for (const [argv, code, stderr] of cases) expect([argv, await cli(...argv)]).toEqual([argv, { code, stdout: '', stderr }]);
      expect(JSON.parse((await cli('users', 'list', '--json')).stdout)).toHaveLength(4);
    });

    it('lists users oldest first as a table (paged) and as JSON, never with passwords', async () => {
      const all = JSON.parse((await cli('users', 'list', '--json')).stdout) as { sub: string; attributes: Record<string, string>; has_password: boolean; created_at: string }[];
      expect(all.map((u) => u.attributes.uid)).toEqual(['breakfast', 'alice', 'bob', 'carol']);
      const run = await cli('users', 'list');
      expect(run.code).toBe(0);
      const width = Math.max(3, ...all.map((u) => u.sub.length));
      const attrsWidth = 'mail=alice@example.com,name=Alice A.'.length;
      const row = (sub: string, uid: string, pw: string, attrs: string, at: string) => `${sub.padEnd(width)}  ${uid.padEnd(9)}  ${pw.padEnd(8)}  ${attrs.padEnd(attrsWidth)}  ${at.replace(/\.\d{3}Z$/, 'Z')}`;
      expect(run.stdout).toBe([
        `${'SUB'.padEnd(width)}  UID        PASSWORD  ${'ATTRIBUTES'.padEnd(attrsWidth)}  CREATED`,
        row(all[0].sub, 'breakfast', 'yes', 'mail=breakfast@example.com', all[0].created_at),
        row(aliceSub, 'alice', 'yes', 'mail=alice@example.com,name=Alice A.', all[1].created_at),
        row('bob-1', 'bob', 'yes', '-', all[2].created_at),
        row('carol-1', 'carol', 'no', '-', all[3].created_at),
        '',
      ].join('\n'));
      const page = await cli('users', 'list', '--limit', '2', '--offset', '1');
      expect(page.stdout.split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['UID', 'alice', 'bob', '2', undefined]);
      expect(page.stdout).toMatch(/\n\(first 2 from 1; more with --offset 3\)\n$/);
      expect((await cli('users', 'list', '--offset', '10')).stdout).toBe('No more users.\n');
      expect((await cli('users', 'list', '--json')).stdout).not.toMatch(/scrypt|"password"|alice-password/);
    });

    it('lists a user\'s sessions by subject id or uid, as a table and as JSON', async () => {
      const first = await login('alice', 'alice-password');
      const second = await login('alice', 'alice-password');
      const byUid = await cli('sessions', 'list', '--uid', 'alice');
      expect(byUid.code).toBe(0);
      const lines = byUid.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^SESSION_ID +SRI +STATE +CLIENTS +AUTHN +CREATED +LAST_ACTIVITY +ENDS_OR_ENDED$/);
      // The login of the first test, then these two, oldest first.
      expect(lines.slice(1).map((l) => l.split(/ +/).slice(1, 5))).toEqual([
        [expect.any(String), 'active', 'rp1', 'password'], [first.sri, 'active', 'rp1', 'password'], [second.sri, 'active', 'rp1', 'password'],
      ]);
      const bySub = JSON.parse((await cli('sessions', 'list', '--user', aliceSub, '--json')).stdout) as { sri: string; sub: string; active: boolean }[];
      expect(bySub.map((s) => s.sri)).toEqual(expect.arrayContaining([first.sri, second.sri]));
      expect(bySub.every((s) => s.sub === aliceSub && s.active)).toBe(true);
      expect((await cli('sessions', 'list', '--user', 'carol-1')).stdout).toBe('No sessions.\n');
    });

    it('users revoke calls GlobalRevocationService, as the endpoint does: tokens inactive, sessions revoked and listed, by uid or subject id', async () => {
      const session = await login('alice', 'alice-password');
      const live = (JSON.parse((await cli('sessions', 'list', '--uid', 'alice', '--active', '--json')).stdout) as unknown[]).length;
      expect(live).toBeGreaterThanOrEqual(1);
      const spy = jest.spyOn(GlobalRevocationService.prototype, 'revokeUser');
      try {
        const run = await cli('users', 'revoke', '--uid', 'alice');
        expect(run).toEqual({ code: 0, stdout: `Revoked every token of user ${aliceSub} (uid "alice") and ended ${live} live sessions.\n`, stderr: '' });
        expect(spy).toHaveBeenCalledTimes(1);
        expect(spy).toHaveBeenCalledWith(aliceSub, expect.stringMatching(/^revocation-admin:/));
      } finally {
        spy.mockRestore();
      }
      expect((await introspect(t, { client_id: 'rp1', client_secret: 'rp1-secret' }, session.accessToken)).active).toBe(false);
      expect(await t.app.get(RevokedSriRepository).findListed(session.sri)).not.toBeNull();
      const after = JSON.parse((await cli('sessions', 'list', '--uid', 'alice', '--json')).stdout) as { active: boolean; revoked_reason: string; revoked_by: string }[];
      expect(after.every((s) => !s.active && s.revoked_reason === 'global_token_revocation' && s.revoked_by.startsWith('revocation-admin:'))).toBe(true);
      expect((await cli('sessions', 'list', '--uid', 'alice')).stdout.split('\n').slice(1, -1).every((l) => / revoked /.test(l))).toBe(true);
      expect((await cli('sessions', 'list', '--uid', 'alice', '--active')).stdout).toBe('No active sessions.\n');

      // Repeating it is harmless; a new login afterwards is unaffected.
      expect(JSON.parse((await cli('users', 'revoke', aliceSub, '--json')).stdout)).toEqual({ sub: aliceSub, sessions_revoked: 0 });
      const fresh = await login('alice', 'alice-password');
      expect((await introspect(t, { client_id: 'rp1', client_secret: 'rp1-secret' }, fresh.accessToken)).active).toBe(true);
    });

    it('refuses an unknown or ambiguous user with one line', async () => {
      const cases: [string[], number, string][] = [
        [['users', 'revoke', 'nobody'], 1, 'error: No user with the sub "nobody".\n'],
        [['users', 'revoke', '--uid', 'nobody'], 1, 'error: No user with the uid "nobody".\n'],
        [['users', 'revoke'], 2, 'error: name the user by <sub> or --uid\n'],
        [['users', 'revoke', 'bob-1', '--uid', 'bob'], 2, 'error: name the user by <sub> or --uid, not both\n'],
        [['sessions', 'list'], 2, 'error: name the user by --user or --uid\n'],
        [['sessions', 'list', '--user', 'bob-1', '--uid', 'bob'], 2, 'error: name the user by --user or --uid, not both\n'],
        [['sessions', 'list', '--user', 'nobody'], 1, 'error: No user with the sub "nobody".\n'],
        [['sessions', 'list', '--uid', 'nobody'], 1, 'error: No user with the uid "nobody".\n'],
        [['sessions', 'list', 'bob-1'], 2, "error: too many arguments for 'list'. Expected 0 arguments but got 1.\n"],
      ];
      for (const [argv, code, stderr] of cases) expect([argv, await cli(...argv)]).toEqual([argv, { code, stdout: '', stderr }]);
    });
  });

  describe('flags', () => {
    it('lists every flag with its value and default, as a table and as JSON', async () => {
      expect((await cli('flags', 'disable', 'END_SESSION')).code).toBe(0);
      const run = await cli('flags', 'list');
      expect(run).toEqual({
        code: 0, stderr: '', stdout: [
          'NAME                     ENABLED  DEFAULT  GUARDS',
          'GLOBAL_TOKEN_REVOCATION  on       on       POST /jans-auth/restv1/global-token-revocation',
          'SESSION_REVOCATION_API   on       on       /pf-ws/rest/sessionMgmt/revokedSris',
          'SESSION_MANAGEMENT_API   on       on       /pf-ws/rest/sessionMgmt/sessions and /users',
          'END_SESSION              off      on       /end_session',
          '',
        ].join('\n'),
      });
      const listed = JSON.parse((await cli('flags', 'list', '--json')).stdout);
      expect(listed.map((f: { name: string; enabled: boolean; default: boolean }) => [f.name, f.enabled, f.default])).toEqual([
        ['GLOBAL_TOKEN_REVOCATION', true, true], ['SESSION_REVOCATION_API', true, true], ['SESSION_MANAGEMENT_API', true, true], ['END_SESSION', false, true],
      ]);
      expect(await cli('flags', 'enable', 'END_SESSION')).toEqual({ code: 0, stdout: 'END_SESSION is enabled (default: enabled); running servers apply it within a second.\n', stderr: '' });
    });

    it('refuses an unknown flag or a missing name with one line', async () => {
      expect(await cli('flags', 'enable', 'WARP_DRIVE')).toEqual({
        code: 1, stdout: '', stderr: 'error: No feature flag named "WARP_DRIVE" (known: GLOBAL_TOKEN_REVOCATION, SESSION_REVOCATION_API, SESSION_MANAGEMENT_API, END_SESSION).\n',
      });
      expect(await cli('flags', 'disable')).toEqual({ code: 2, stdout: '', stderr: "error: missing required argument 'name'\n" });
      expect(await cli('flags', 'toggle', 'END_SESSION')).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'toggle'\n" });
    });
  });

  describe('export', () => {
    let exported: { clients: Record<string, unknown>[]; users: { sub: string; uid: string; attributes?: Record<string, string> }[]; feature_flags: Record<string, boolean> };
    afterAll(async () => { expect((await cli('flags', 'enable', 'SESSION_MANAGEMENT_API')).code).toBe(0); });

    it('writes the import file\'s shape: clients, users with attributes, every flag; no secret, password or hash', async () => {
      expect((await cli('flags', 'disable', 'SESSION_MANAGEMENT_API')).code).toBe(0);
      const run = await cli('export');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      exported = JSON.parse(run.stdout);
      expect(Object.keys(exported)).toEqual(['clients', 'users', 'feature_flags']);
      expect(exported.clients.map((c) => c.client_id)).toEqual(['admin', 'pf', 'rp1', 'spa', 'svc']);
      expect(exported.clients.find((c) => c.client_id === 'pf')).toEqual({
        client_id: 'pf', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials', 'password'],
        scopes: ['openid', 'profile', 'api'], session_revocation_api: true, session_management_api: true, access_token_format: 'reference',
      });
      expect(exported.users.map((u) => u.uid)).toEqual(['breakfast', 'alice', 'bob', 'carol']);
      expect(exported.users.find((u) => u.uid === 'alice')).toEqual({ sub: expect.any(String), uid: 'alice', attributes: { mail: 'alice@example.com', name: 'Alice A.' } });
      expect(exported.users.find((u) => u.uid === 'bob')).toEqual({ sub: 'bob-1', uid: 'bob' });
      expect(exported.feature_flags).toEqual({ GLOBAL_TOKEN_REVOCATION: true, SESSION_REVOCATION_API: true, SESSION_MANAGEMENT_API: false, END_SESSION: true });
      expect(run.stdout).not.toMatch(/scrypt|sha256\$|"client_secret":|"password":|"has_password"|rp1-secret|a-password|alice-password|svc-stdin-secret/);
    });

    it('imports back into the same store changing nothing', async () => {
      const file = join(dir, 'export.json');
      writeFileSync(file, JSON.stringify(exported));
      const run = await cli('import', file, '--json');
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ clients: { created: 0, updated: 0, unchanged: 5 }, users: { created: 0, updated: 0, unchanged: 4 }, feature_flags: 4 });
      expect(JSON.parse((await cli('export')).stdout)).toEqual(exported);
    });

    it('round-trips into an empty store once the secret-based clients are given secrets', async () => {
      const other = testStoreConfig();
      const otherConfig = { store: { databaseUrl: other.databaseUrl, databaseSchema: other.databaseSchema } };
      try {
        const file = join(dir, 'export-bare.json');
        writeFileSync(file, JSON.stringify(exported));
        const bare = await cliOn(otherConfig, ['import', file]);
        expect(bare.code).toBe(1);
        expect(bare.stderr).toBe(`error: Import file ${file} has 4 problems: ${['admin', 'pf', 'rp1', 'svc'].map((id) => {
          const i = exported.clients.findIndex((c) => c.client_id === id);
          return `clients[${i}].client_secret: is required with ${exported.clients[i].token_endpoint_auth_method} (the client is new)`;
        }).join('; ')}\n`);
        expect(JSON.parse((await cliOn(otherConfig, ['clients', 'list', '--json'])).stdout)).toEqual([]);

        const withSecrets = { ...exported, clients: exported.clients.map((c) => (c.token_endpoint_auth_method === 'none' ? c : { ...c, client_secret: `${c.client_id}-new-secret` })) };
        const full = join(dir, 'export-with-secrets.json');
        writeFileSync(full, JSON.stringify(withSecrets));
        const run = await cliOn(otherConfig, ['import', full, '--json']);
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout)).toEqual({ clients: { created: 5, updated: 0, unchanged: 0 }, users: { created: 4, updated: 0, unchanged: 0 }, feature_flags: 4 });
        // The same document; users created in one import may share a creation time, so their order may differ.
        const byUid = (doc: typeof exported) => ({ ...doc, users: [...doc.users].sort((x, y) => x.uid.localeCompare(y.uid)) });
        expect(byUid(JSON.parse((await cliOn(otherConfig, ['export'])).stdout))).toEqual(byUid(exported));
      } finally {
        other.cleanup();
      }
    });

    it('--output writes the file (mode 600) and says so; an unwritable path is one line', async () => {
      const file = join(dir, 'out.json');
      const run = await cli('export', '--output', file);
      expect(run).toEqual({ code: 0, stdout: `Exported 5 clients, 4 users and 4 feature flags to ${file}.\n`, stderr: '' });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(exported);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const bad = await cli('export', '-o', join(dir, 'no-such-dir', 'x.json'));
      expect(bad.code).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^error: cannot write .*no-such-dir\/x\.json: ENOENT: no such file or directory.*\n$/);
    });
  });
});
