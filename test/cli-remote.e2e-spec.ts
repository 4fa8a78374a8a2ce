import { AddressInfo, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { RevocationFeedFollower } from '@app/auth';
import { ConfigOverrides } from '@app/common';
import { ClientRepository, SessionRepository, UserRepository } from '@app/store';
import { auditFileLines, runCliCaptured } from './support/cli';
import { introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };
/** No store the CLI could open: remote mode must not need one. */
const NO_STORE: ConfigOverrides = { store: { databaseUrl: 'postgres://nobody@127.0.0.1:1/test' } };

describe('Admin CLI, remote mode: the same commands through a server\'s admin API', () => {
  let t: TestApp;
  let url: string;
  let local: ConfigOverrides;

  const remote = (...argv: string[]) => runCliCaptured(['--server', url, '--client-id', ADMIN.client_id, '--client-secret', ADMIN.client_secret, ...argv], { config: NO_STORE });
  const onStore = async (...argv: string[]) => {
    const run = await runCliCaptured(argv, { config: local });
    await t.app.get(RevocationFeedFollower).sync();
    return run;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    local = { store: t.config.store, audit: { file: `${t.config.audit!.file!}.cli` } };
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...RP, grant_types: ['password', 'refresh_token', 'client_credentials'], scopes: ['openid', 'profile', 'api'] });
  });
  afterAll(async () => { await t.close(); });

  it('clients create, list, show, update, rotate-secret, delete', async () => {
    const created = await remote('clients', 'create', 'remote-rp', '--scope', 'api', '--backchannel-logout-uri', 'https://remote.example/bcl', '--json');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { client, client_secret: secret } = JSON.parse(created.stdout);
    expect(client).toMatchObject({ client_id: 'remote-rp', scopes: ['api'], backchannel_logout_uri: 'https://remote.example/bcl' });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await t.app.get(ClientRepository).findById('remote-rp'))?.scopes).toEqual(['api']);

    // The same output as on the store.
    for (const argv of [['clients', 'list'], ['clients', 'show', 'remote-rp'], ['clients', 'list', '--grant-type', 'password', '--json']]) {
      const [viaApi, viaStore] = [await remote(...argv), await onStore(...argv)];
      expect(viaApi).toEqual(viaStore);
      expect(viaApi.code).toBe(0);
    }

    const updated = await remote('clients', 'update', 'remote-rp', '--name', 'Remote', '--clear', 'backchannel_logout_uri', '--json');
    expect(JSON.parse(updated.stdout)).toMatchObject({ client_name: 'Remote', backchannel_logout_uri: null, scopes: ['api'] });
    const rotated = await remote('clients', 'rotate-secret', 'remote-rp');
    expect(rotated.stdout).toMatch(/^Rotated the secret of client "remote-rp"; the old one no longer works\.\nClient secret, shown only this once \(only its hash is stored\): [A-Za-z0-9_-]{43}\n$/);
    expect(await remote('clients', 'show', 'nobody')).toEqual({ code: 1, stdout: '', stderr: 'error: No client with the id "nobody".\n' });
    const bad = await remote('clients', 'update', 'remote-rp', '--resource', 'https://api.example/#x');
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: resources\[0\]: must not contain a fragment\n$/) });
    expect((await remote('clients', 'delete', 'remote-rp')).stdout).toBe('Deleted client "remote-rp" and revoked every token it was issued.\n');
    expect(await t.app.get(ClientRepository).findById('remote-rp')).toBeNull();
  });

  it('users create, list, show, update, set-password, suspend, resume, delete; sessions list and revoke', async () => {
    const created = await runCliCaptured(['--server', url, '--client-id', ADMIN.client_id, '--client-secret', ADMIN.client_secret, 'users', 'create', 'rita', '--password-stdin', '--json'], {
      config: NO_STORE, stdin: 'rita-pass\n',
    });
    expect(created.stderr).toBe('');
    const sub = JSON.parse(created.stdout).sub as string;
    for (const argv of [['users', 'list'], ['users', 'show', '--uid', 'rita'], ['users', 'list', '--uid', 'rita', '--json']]) {
      expect(await remote(...argv)).toEqual(await onStore(...argv));
    }
    expect(JSON.parse((await remote('users', 'update', '--uid', 'rita', '--attribute', 'mail=rita@example.com', '--json')).stdout).attributes).toEqual({ uid: 'rita', mail: 'rita@example.com' });

    const tokens = (await passwordLogin(t, RP, 'rita', 'rita-pass', 'openid')).body;
    const sessions = JSON.parse((await remote('sessions', 'list', '--uid', 'rita', '--json')).stdout) as { id: string }[];
    expect(sessions).toHaveLength(1);
    expect((await remote('sessions', 'revoke', sessions[0].id)).stdout).toMatch(/^Revoked session .+ \(admin_revoked at /);
    expect(await t.app.get(SessionRepository).findById(sessions[0].id)).toMatchObject({ revokedReason: 'admin_revoked', revokedBy: ADMIN.client_id });
    expect(await introspect(t, RP, tokens.access_token)).toEqual({ active: false });
    await passwordLogin(t, RP, 'rita', 'rita-pass', 'openid');
    expect((await remote('sessions', 'revoke', '--uid', 'rita')).stdout).toBe(`Revoked 1 live session of user ${sub}.\n`);

    expect((await remote('users', 'update', sub, '--disable')).code).toBe(0);
    expect((await t.app.get(UserRepository).findById(sub))?.disabled).toBe(true);
    expect((await passwordLogin(t, RP, 'rita', 'rita-pass')).body.error_description).toBe('The resource owner credentials are invalid.');
    expect((await remote('users', 'update', sub, '--enable')).code).toBe(0);
    const set = await remote('users', 'set-password', '--uid', 'rita', '--password', 'rita-new');
    expect(set).toEqual({ code: 0, stdout: `Set a new password for user ${sub} (uid "rita").\n`, stderr: '' });
    expect((await passwordLogin(t, RP, 'rita', 'rita-new')).status).toBe(200);
    expect((await remote('users', 'suspend', '--uid', 'rita')).stdout).toBe(`Suspended user ${sub} (uid "rita").\n`);
    expect((await remote('users', 'resume', sub)).stdout).toBe(`Resumed user ${sub}.\n`);
    expect((await remote('users', 'delete', '--uid', 'rita')).code).toBe(0);
    expect(await t.app.get(UserRepository).findById(sub)).toBeNull();
    expect(await remote('users', 'show', '--uid', 'rita')).toEqual({ code: 1, stdout: '', stderr: 'error: No user with the uid "rita".\n' });
  });

  it('flags list, enable, disable', async () => {
    expect(await remote('flags', 'list')).toEqual(await onStore('flags', 'list'));
    expect((await remote('flags', 'disable', 'end_session')).stdout).toMatch(/^END_SESSION is disabled/);
    expect(JSON.parse((await remote('flags', 'list', '--json')).stdout).find((f: { name: string }) => f.name === 'END_SESSION').enabled).toBe(false);
    expect((await remote('flags', 'enable', 'END_SESSION')).code).toBe(0);
  });

  it('takes the server and credentials from the environment, the secret from standard input; the server audits the calls as the admin client', async () => {
    const env = { REVOCATION_SERVER_URL: url, REVOCATION_CLIENT_ID: ADMIN.client_id, REVOCATION_CLIENT_SECRET: ADMIN.client_secret };
    const viaEnv = await runCliCaptured(['clients', 'list', '--json'], { config: NO_STORE, env });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout).map((c: { client_id: string }) => c.client_id)).toEqual(['admin', 'rp1']);
    const viaStdin = await runCliCaptured(['--server', url, '--client-id', 'admin', '--client-secret-stdin', 'users', 'create', 'stdin-user'], { config: NO_STORE, stdin: `${ADMIN.client_secret}\n` });
    expect(viaStdin).toMatchObject({ code: 0, stderr: '' });
    const lines = auditFileLines(t.config.audit!.file!);
    expect(lines.some(([, name, method, , httpMethod, path, status]) => name === 'admin' && method === 'bearer' && httpMethod === 'POST' && path === '/admin/users' && status === '201')).toBe(true);
    // The CLI wrote nothing of its own: the server's line is the record.
    expect(lines.some((l) => l[1]?.startsWith('revocation-admin:'))).toBe(false);
    expect(auditFileLines(`${t.config.audit!.file!}.cli`).every((l) => l[1] === `revocation-admin:${userInfo().username}`)).toBe(true);
  });

  it('refuses plain http to a host that is not loopback, bad or missing credentials, and the commands that need the store', async () => {
    const http = await runCliCaptured(['--server', 'http://10.0.0.1:8080', '--client-id', 'admin', '--client-secret', 'x', 'clients', 'list'], { config: NO_STORE });
    expect(http).toEqual({ code: 2, stdout: '', stderr: 'error: --server: plain http to 10.0.0.1 would send the client secret and the admin token in clear; use https (or --insecure-http on a network you trust)\n' });
    expect((await runCliCaptured(['--server', 'https://user:pw@admin.example', '--client-id', 'a', '--client-secret', 'b', 'clients', 'list'], { config: NO_STORE })).code).toBe(2);
    expect(await runCliCaptured(['--server', url, 'clients', 'list'], { config: NO_STORE })).toEqual({ code: 2, stdout: '', stderr: 'error: --server needs --client-id (or REVOCATION_CLIENT_ID)\n' });
    expect((await runCliCaptured(['--server', url, '--client-id', 'admin', 'clients', 'list'], { config: NO_STORE })).stderr).toMatch(/^error: --server needs --client-secret/);

    const wrong = await runCliCaptured(['--server', url, '--client-id', 'admin', '--client-secret', 'wrong-secret', 'clients', 'list'], { config: NO_STORE });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: the server refused the admin client "admin" a token with the admin scope: invalid_client: /);
    expect(wrong.stderr).not.toContain('wrong-secret');
    const notAdmin = await runCliCaptured(['--server', url, '--client-id', RP.client_id, '--client-secret', RP.client_secret, 'clients', 'list'], { config: NO_STORE });
    expect(notAdmin).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: the server refused the admin client "rp1" a token with the admin scope: invalid_scope: /) });

    for (const argv of [['import', 'x.json'], ['export'], ['keys', 'list'], ['notifications', 'list'], ['users', 'revoke', '--uid', 'x']]) {
      const run = await remote(...argv);
      expect([argv.join(' '), run.code, run.stderr]).toEqual([argv.join(' '), 2, 'error: this command works on the store only; run it without --server\n']);
    }
    // A port nothing listens on: one just closed.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
    const closed = await runCliCaptured(['--server', `http://127.0.0.1:${port}`, '--client-id', 'admin', '--client-secret', 'x', 'clients', 'list'], { config: NO_STORE });
    expect(closed).toEqual({ code: 1, stdout: '', stderr: `error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});
