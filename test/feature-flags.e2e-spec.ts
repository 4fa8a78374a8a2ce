import request from 'supertest';
import { ConfigOverrides } from '@app/common';
import { FLAG_REFRESH_MS } from '@app/feature-flag';
import { runCliCaptured } from './support/cli';
import { seedClient, seedUser } from './support/fixtures';
import { NOT_REVOKED, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT } from './support/session-mgmt';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

const GTR = '/jans-auth/restv1/global-token-revocation';
const DISCOVERY = '/.well-known/openid-configuration';
/**
 * A change must show on every instance within a second (each re-reads the flags every
 * FLAG_REFRESH_MS); the polls below allow twice that for a loaded CI machine, and fail with
 * how long they waited.
 */
const PROPAGATION_BOUND_MS = 2000;

/** Calls `probe` until `done` holds of its answer, every 25 ms, for at most `boundMs`; resolves to the elapsed time. */
async function within<T>(boundMs: number, probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<number> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start <= boundMs) {
    last = await probe();
    if (done(last)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: not seen within ${boundMs} ms (last answer: ${JSON.stringify(last)})`);
}

/**
 * Feature flags toggled at run time, through the admin API and through the CLI, on two
 * instances sharing one store: the guarded endpoints' answers and discovery follow without a
 * restart (the instance that makes the change at once, the other within a second).
 */
describe('Feature flags at run time', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let shared: ConfigOverrides;
  let a: TestApp;
  let b: TestApp;
  let adminToken: string;

  const revoke = (t: TestApp) => request(t.server).post(GTR).auth('gtr', 'gtr-secret').set('Content-Type', 'application/json')
    .send(JSON.stringify({ sub_id: { format: 'uid', id: 'flagged' } }));
  const revokedSri = (t: TestApp) => request(t.server).get(`${REVOKED_SRIS}/not-listed`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
  const discovery = async (t: TestApp) => (await request(t.server).get(DISCOVERY).expect(200)).body as Record<string, unknown>;
  const putFlag = (t: TestApp, name: string, enabled: boolean) =>
    request(t.server).put(`/admin/feature-flags/${name}`).set('Authorization', `Bearer ${adminToken}`).send({ enabled });

  /** What an instance shows of GLOBAL_TOKEN_REVOCATION: the endpoint's status and body, and whether discovery lists it. */
  const gtrState = async (t: TestApp) => {
    const res = await revoke(t);
    const doc = await discovery(t);
    return { status: res.status, body: res.body as unknown, listed: 'global_token_revocation_endpoint' in doc };
  };
  const GTR_OFF = { status: 403, body: { error: 'access_denied', error_description: 'Feature flag is disabled on server.', feature_flag: 'GLOBAL_TOKEN_REVOCATION' }, listed: false };
  const isOff = (s: { status: number; body: unknown; listed: boolean }) => s.status === 403 && !s.listed;
  const isOn = (s: { status: number; listed: boolean }) => s.status === 204 && s.listed;

  const cli = (...argv: string[]) => runCliCaptured(argv, { config: shared });

  beforeAll(async () => {
    store = testStoreConfig();
    shared = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
    await seedClient(a, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedClient(a, { client_id: 'admin', client_secret: 'admin-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(a, SEED_CLIENT);
    await seedUser(a, 'flagged', 'a-password');
    adminToken = (await request(a.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    expect(adminToken).toBeDefined();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    store.cleanup();
  });

  it('starts with every flag at its default (on) on both instances', async () => {
    for (const t of [a, b]) {
      expect(await gtrState(t)).toEqual({ status: 204, body: {}, listed: true });
      expect((await revokedSri(t)).body).toEqual(NOT_REVOKED);
    }
    expect(FLAG_REFRESH_MS).toBeLessThanOrEqual(500);
  });

  it('admin API: PUT turns GLOBAL_TOKEN_REVOCATION off at once on that instance, within a second on the other, and back on', async () => {
    const off = await putFlag(a, 'GLOBAL_TOKEN_REVOCATION', false);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ name: 'GLOBAL_TOKEN_REVOCATION', enabled: false, default: true });
    // The instance that made the change answers with it on the very next request: no waiting.
    expect(await gtrState(a)).toEqual(GTR_OFF);
    await within(PROPAGATION_BOUND_MS, () => gtrState(b), isOff, 'instance B sees GLOBAL_TOKEN_REVOCATION off');
    expect(await gtrState(b)).toEqual(GTR_OFF);
    expect((await request(b.server).get('/admin/feature-flags/GLOBAL_TOKEN_REVOCATION').set('Authorization', `Bearer ${adminToken}`)).body.enabled).toBe(false);

    // Turned back on through the other instance.
    expect((await putFlag(b, 'GLOBAL_TOKEN_REVOCATION', true)).status).toBe(200);
    expect(isOn(await gtrState(b))).toBe(true);
    await within(PROPAGATION_BOUND_MS, () => gtrState(a), isOn, 'instance A sees GLOBAL_TOKEN_REVOCATION on again');
  });

  it('admin API: SESSION_REVOCATION_API off answers 403 naming the flag and drops its discovery entry; on again restores both', async () => {
    expect((await discovery(a)).ping_revoked_sris_endpoint).toBe('http://localhost:8080/pf-ws/rest/sessionMgmt/revokedSris');
    expect((await putFlag(a, 'SESSION_REVOCATION_API', false)).status).toBe(200);
    const res = await revokedSri(a);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ resultId: 'feature_flag_disabled', feature_flag: 'SESSION_REVOCATION_API' });
    expect(await discovery(a)).not.toHaveProperty('ping_revoked_sris_endpoint');
    await within(PROPAGATION_BOUND_MS, async () => (await revokedSri(b)).status, (s) => s === 403, 'instance B sees SESSION_REVOCATION_API off');

    expect((await putFlag(a, 'SESSION_REVOCATION_API', true)).status).toBe(200);
    expect((await revokedSri(a)).body).toEqual(NOT_REVOKED);
    expect((await discovery(a)).ping_revoked_sris_endpoint).toBeDefined();
    await within(PROPAGATION_BOUND_MS, async () => (await revokedSri(b)).status, (s) => s === 404, 'instance B sees SESSION_REVOCATION_API on again');
  });

  it('CLI: `flags disable` on the same store takes GLOBAL_TOKEN_REVOCATION off on both running instances within a second, `flags enable` brings it back', async () => {
    const disable = await cli('flags', 'disable', 'GLOBAL_TOKEN_REVOCATION');
    expect(disable).toEqual({ code: 0, stdout: 'GLOBAL_TOKEN_REVOCATION is disabled (default: enabled); running servers apply it within a second.\n', stderr: '' });
    for (const [name, t] of [['A', a], ['B', b]] as const) {
      await within(PROPAGATION_BOUND_MS, () => gtrState(t), isOff, `instance ${name} sees the CLI's change`);
      expect(await gtrState(t)).toEqual(GTR_OFF);
    }
    const listed = JSON.parse((await cli('flags', 'list', '--json')).stdout) as { name: string; enabled: boolean }[];
    expect(listed.find((f) => f.name === 'GLOBAL_TOKEN_REVOCATION')?.enabled).toBe(false);

    expect((await cli('flags', 'enable', 'global_token_revocation')).code).toBe(0);
    for (const [name, t] of [['A', a], ['B', b]] as const) {
      await within(PROPAGATION_BOUND_MS, () => gtrState(t), isOn, `instance ${name} sees the CLI's flag on again`);
    }
  });

  it('CLI: SESSION_REVOCATION_API off and on again without a restart', async () => {
    expect((await cli('flags', 'disable', 'SESSION_REVOCATION_API', '--json')).stdout).toBe(
      JSON.stringify({ name: 'SESSION_REVOCATION_API', enabled: false, default: true, description: '/pf-ws/rest/sessionMgmt/revokedSris' }, null, 2) + '\n',
    );
    await within(PROPAGATION_BOUND_MS, async () => {
      const res = await revokedSri(a);
      return { status: res.status, flag: res.body.feature_flag as unknown, listed: 'ping_revoked_sris_endpoint' in (await discovery(a)) };
    }, (s) => s.status === 403 && s.flag === 'SESSION_REVOCATION_API' && !s.listed, 'instance A sees SESSION_REVOCATION_API off');
    expect((await cli('flags', 'enable', 'SESSION_REVOCATION_API')).code).toBe(0);
    await within(PROPAGATION_BOUND_MS, async () => (await revokedSri(a)).status, (s) => s === 404, 'instance A sees SESSION_REVOCATION_API on again');
    expect((await revokedSri(a)).body).toEqual(NOT_REVOKED);
  });
});
