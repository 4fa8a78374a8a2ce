import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { RevocationFeedFollower } from '@app/auth';
import { ConfigOverrides } from '@app/common';
import { ClientRepository, SessionRepository, UserRepository } from '@app/store';
import { auditFileLines, runCliCaptured } from './support/cli';
import { introspect, passwordLogin, seedClient } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };

/** The CLI on the store (local mode), next to a server on the same store. */
describe('Admin CLI (local mode): client URIs and keys, users show/update/set-password/delete, sessions revoke, --version, audit lines', () => {
  let t: TestApp;
  let dir: string;
  let auditFile: string;
  let config: ConfigOverrides;
  const actor = `revocation-admin:${userInfo().username}`;

  const cli = async (...argv: string[]) => {
    const run = await runCliCaptured(argv, { config });
    // Another process's change reaches the server through the revocation feed: wait for that read.
    await t.app.get(RevocationFeedFollower).sync();
    return run;
  };
  const cliStdin = (stdin: string, ...argv: string[]) => runCliCaptured(argv, { config, stdin });
  const signIn = async (uid: string, password: string) => {
    const res = await passwordLogin(t, RP, uid, password, 'openid');
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-admin-'));
    auditFile = join(dir, 'audit', 'runtime-api.log');
    t = await startTestApp();
    config = { store: t.config.store, audit: { file: auditFile } };
    await seedClient(t, { ...RP, grant_types: ['password', 'refresh_token'], scopes: ['openid', 'profile', 'api'] });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--version prints the package version', async () => {
    const { version } = require('../package.json') as { version: string };
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('clients create and update set jwks (private_key_jwt), jwks_uri, post-logout, back-channel and CAEP URIs; --clear removes one', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' }] }));
    const created = await cli('clients', 'create', 'pkj', '--auth-method', 'private_key_jwt', '--jwks-file', jwksFile, '--grant-type', 'client_credentials',
      '--post-logout-redirect-uri', 'https://pkj.example/bye', '--backchannel-logout-uri', 'https://pkj.example/bcl', '--caep-receiver-uri', 'https://pkj.example/caep', '--json');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).client).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt', has_secret: false, post_logout_redirect_uris: ['https://pkj.example/bye'],
      backchannel_logout_uri: 'https://pkj.example/bcl', caep_receiver_uri: 'https://pkj.example/caep', jwks_uri: null,
    });
    expect((await t.app.get(ClientRepository).findById('pkj'))?.jwks?.keys).toEqual([expect.objectContaining({ kid: 'k1', kty: 'EC' })]);

    const updated = await cli('clients', 'update', 'pkj', '--jwks-uri', 'https://pkj.example/jwks', '--clear', 'jwks', '--clear', 'caep_receiver_uri', '--name', 'Key client', '--json');
    expect(updated.stderr).toBe('');
    expect(JSON.parse(updated.stdout)).toMatchObject({
      client_name: 'Key client', jwks: null, jwks_uri: 'https://pkj.example/jwks', caep_receiver_uri: null,
      backchannel_logout_uri: 'https://pkj.example/bcl', post_logout_redirect_uris: ['https://pkj.example/bye'], token_endpoint_auth_method: 'private_key_jwt',
    });
    const shown = await cli('clients', 'show', 'pkj');
    expect(shown.stdout).toMatch(/^jwks_uri +https:\/\/pkj\.example\/jwks$/m);
    expect(shown.stdout).toMatch(/^caep_receiver_uri +-$/m);

    // A switch to a secret method keeps working through rotate-secret; private_key_jwt without keys is refused.
    const noKeys = await cli('clients', 'update', 'pkj', '--clear', 'jwks_uri');
    expect(noKeys.code).toBe(1);
    expect(noKeys.stderr).toMatch(/^error: token_endpoint_auth_method: private_key_jwt needs jwks or jwks_uri\n$/);
    const policy = await cli('clients', 'update', 'pkj', '--backchannel-logout-uri', 'https://127.0.0.1/bcl');
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/^error: backchannel_logout_uri: /);
    expect(await cli('clients', 'update', 'pkj')).toMatchObject({ code: 2, stderr: expect.stringMatching(/nothing to change/) });
    expect(await cli('clients', 'update', 'pkj', '--clear', 'client_id')).toMatchObject({ code: 2 });
  });

  it('users show, update (attributes, disable, enable), set-password, delete, by subject id or uid', async () => {
    const created = JSON.parse((await cliStdin('first-pass\n', 'users', 'create', 'dora', '--password-stdin', '--attribute', 'mail=dora@example.com', '--json')).stdout);
    const sub = created.sub as string;
    const show = await cli('users', 'show', '--uid', 'dora');
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n').slice(0, 5)).toEqual([
      `sub             ${sub}`, 'attribute mail  dora@example.com', 'attribute uid   dora', 'password        set (only its hash is stored)', 'disabled        no',
    ]);
    expect(JSON.parse((await cli('users', 'show', sub, '--json')).stdout)).toMatchObject({ sub, disabled: false, has_password: true });

    const updated = await cli('users', 'update', sub, '--attribute', 'phone_number=+1 555', '--remove-attribute', 'mail', '--json');
    expect(updated.stderr).toBe('');
    expect(JSON.parse(updated.stdout).attributes).toEqual({ uid: 'dora', phone_number: '+1 555' });
    const tokens = await signIn('dora', 'first-pass');

    expect((await cli('users', 'update', '--uid', 'dora', '--disable')).stdout).toBe(`Updated user ${sub} (uid "dora"); disabled.\n`);
    expect((await t.app.get(UserRepository).findById(sub))?.disabled).toBe(true);
    expect((await passwordLogin(t, RP, 'dora', 'first-pass')).body.error_description).toBe('The resource owner credentials are invalid.');
    expect((await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(400);
    expect((await cli('users', 'list', '--disabled', '--json')).stdout).toContain(sub);
    expect((await cli('users', 'update', sub, '--enable')).code).toBe(0);

    expect((await cliStdin('second-pass\n', 'users', 'set-password', '--uid', 'dora', '--password-stdin')).stdout).toBe(`Set a new password for user ${sub} (uid "dora").\n`);
    expect((await passwordLogin(t, RP, 'dora', 'first-pass')).status).toBe(400);
    await signIn('dora', 'second-pass');
    expect((await cli('users', 'set-password', sub, '--remove')).stdout).toBe(`Removed the password of user ${sub} (uid "dora").\n`);
    expect((await passwordLogin(t, RP, 'dora', 'second-pass')).status).toBe(400);
    expect(await cli('users', 'set-password', sub)).toMatchObject({ code: 2, stderr: 'error: give one of --password, --password-stdin or --remove\n' });

    expect((await cli('users', 'delete', '--uid', 'dora')).stdout).toBe(`Deleted user ${sub} (uid "dora"); their sessions ended and their tokens stopped working.\n`);
    expect(await t.app.get(UserRepository).findById(sub)).toBeNull();
    expect(await introspect(t, RP, tokens.access_token)).toEqual({ active: false });
    expect(await cli('users', 'show', sub)).toEqual({ code: 1, stdout: '', stderr: `error: No user with the sub "${sub}".\n` });
  });

  it('sessions revoke: one session by id, or every session of a user', async () => {
    const created = JSON.parse((await cliStdin('pw\n', 'users', 'create', 'eve', '--password-stdin', '--json')).stdout);
    const [a, b, c] = [await signIn('eve', 'pw'), await signIn('eve', 'pw'), await signIn('eve', 'pw')];
    const list = JSON.parse((await cli('sessions', 'list', '--uid', 'eve', '--json')).stdout) as { id: string }[];
    expect(list).toHaveLength(3);

    const one = await cli('sessions', 'revoke', list[0].id);
    expect(one.stderr).toBe('');
    expect(one.stdout).toMatch(new RegExp(`^Revoked session ${list[0].id} of user ${created.sub} \\(admin_revoked at .+Z\\)\\.\\n$`));
    expect((await t.app.get(SessionRepository).findById(list[0].id))).toMatchObject({ revokedReason: 'admin_revoked', revokedBy: actor });
    expect(await introspect(t, RP, a.access_token)).toEqual({ active: false });
    expect((await introspect(t, RP, b.access_token)).active).toBe(true);

    expect((await cli('sessions', 'revoke', '--uid', 'eve')).stdout).toBe(`Revoked 2 live sessions of user ${created.sub}.\n`);
    for (const s of [b, c]) expect(await introspect(t, RP, s.access_token)).toEqual({ active: false });
    expect(JSON.parse((await cli('sessions', 'revoke', '--user', created.sub, '--json')).stdout)).toEqual({ sub: created.sub, sessions_revoked: 0 });
    expect(await cli('sessions', 'revoke', 'no-such-session')).toEqual({ code: 1, stdout: '', stderr: 'error: No session with the id "no-such-session".\n' });
    expect((await cli('sessions', 'revoke', list[0].id, '--uid', 'eve')).code).toBe(2);
  });

  it('writes one audit line per change, as the admin API does, naming the CLI; none for reads', async () => {
    const before = auditFileLines(auditFile).length;
    expect((await cli('clients', 'create', 'audited', '--secret', 'audited-secret')).code).toBe(0);
    expect((await cli('clients', 'update', 'audited', '--scope', 'api')).code).toBe(0);
    expect((await cli('clients', 'list')).code).toBe(0);
    expect((await cli('clients', 'update', 'nobody', '--scope', 'api')).code).toBe(1);
    expect((await cli('flags', 'disable', 'end_session')).code).toBe(0);
    expect((await cli('flags', 'enable', 'END_SESSION')).code).toBe(0);
    expect((await cli('clients', 'delete', 'audited')).code).toBe(0);
    const lines = auditFileLines(auditFile).slice(before);
    expect(lines.map(([, name, method, ip, httpMethod, path, status]) => [name, method, ip, httpMethod, path, status])).toEqual([
      [actor, 'cli', undefined, 'POST', '/admin/clients', '201'],
      [actor, 'cli', undefined, 'PATCH', '/admin/clients/audited', '200'],
      [actor, 'cli', undefined, 'PATCH', '/admin/clients/nobody', '404'],
      [actor, 'cli', undefined, 'PUT', '/admin/feature-flags/END_SESSION', '200'],
      [actor, 'cli', undefined, 'PUT', '/admin/feature-flags/END_SESSION', '200'],
      [actor, 'cli', undefined, 'DELETE', '/admin/clients/audited', '204'],
    ]);
    for (const line of lines) expect(line[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.stringify(lines)).not.toContain('audited-secret');
    expect(statSync(auditFile).mode & 0o777).toBe(0o600);
    // The earlier tests' changes are there too: users, sessions.
    const paths = auditFileLines(auditFile).map((l) => `${l[4]} ${l[5]?.replace(/[0-9a-f-]{36}/, '{sub}')}`);
    for (const p of ['POST /admin/users', 'PATCH /admin/users/{sub}', 'DELETE /admin/users/{sub}', 'DELETE /admin/users/{sub}/sessions']) expect(paths).toContain(p);
  });

  it('adds the configured extra fields: the CLI\'s version as user agent, the command as note', async () => {
    const extra = { ...config, audit: { file: auditFile, extraFields: ['request_id', 'user_agent', 'note'] as ('request_id' | 'user_agent' | 'note')[] } };
    expect((await runCliCaptured(['users', 'create', 'extra'], { config: extra })).code).toBe(0);
    const last = auditFileLines(auditFile).at(-1)!;
    expect(last.slice(4)).toEqual(['POST', '/admin/users', '201', undefined, expect.stringMatching(/^revocation-admin\/\d+\.\d+\.\d+/), 'cli=users create']);
  });
});
