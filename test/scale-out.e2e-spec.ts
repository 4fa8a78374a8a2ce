import request from 'supertest';
import { decodeJwt } from 'jose';
import { ConfigOverrides } from '@app/common';
import { introspect, passwordLogin, seedClient, seedUser, ClientFixture } from './support/fixtures';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

/** Polls until `check` holds, for at most `ms` (each instance reads the revocation feed every 50 ms). */
async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Two stateless instances on one store: what one revokes, the other enforces within the feed's delay. */
describe('Two instances on one store (scale-out)', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;
  let rp: ClientFixture;

  beforeAll(async () => {
    store = testStoreConfig();
    const shared: ConfigOverrides = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
    rp = await seedClient(a, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'], session_revocation_api: true });
    await seedUser(a, 'alice', 'alice-password');
    await seedUser(a, 'bob', 'bob-password');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    store.cleanup();
  });

  it('an SRI listed on one instance is reported listed, and its tokens inactive, on the other', async () => {
    const login = await passwordLogin(a, rp, 'alice', 'alice-password');
    const sri = decodeJwt(login.body.access_token)['pi.sri'] as string;
    expect((await introspect(b, rp, login.body.access_token)).active).toBe(true);
    await request(a.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('rp', 'rp-secret-1')
      .set('X-XSRF-HEADER', 'x').set('Content-Type', 'application/json').send({ id: sri }).expect(201);
    const status = () => request(b.server).get(`/pf-ws/rest/sessionMgmt/revokedSris/${sri}?updateActivityTime=false`).auth('rp', 'rp-secret-1').set('X-XSRF-HEADER', 'x');
    await eventually(async () => (await status()).status === 200);
    await eventually(async () => !(await introspect(b, rp, login.body.access_token)).active);
  });

  it('a global revocation on one instance ends the user\'s tokens on the other', async () => {
    const login = await passwordLogin(b, rp, 'bob', 'bob-password');
    expect((await introspect(a, rp, login.body.access_token)).active).toBe(true);
    await request(b.server).post('/jans-auth/restv1/global-token-revocation').auth('rp', 'rp-secret-1')
      .send({ sub_id: { format: 'uid', id: 'bob' } }).expect(204);
    await eventually(async () => !(await introspect(a, rp, login.body.access_token)).active);
  });

  it('an instance started later loads the revocation list from the store, in several pages', async () => {
    const listed = Array.from({ length: 2_500 }, (_, i) => `loaded-at-start-${i}`);
    for (let i = 0; i < listed.length; i += 250) {
      await Promise.all(listed.slice(i, i + 250).map((id) => request(a.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('rp', 'rp-secret-1')
        .set('X-XSRF-HEADER', 'x').set('Content-Type', 'application/json').send({ id }).expect(201)));
    }
    const c = await startTestApp({ store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, metrics: { enabled: true } });
    try {
      const listSize = async () => sampleValue(parsePrometheus((await request(c.server).get('/metrics')).text), 'revocation_revocation_list_size') ?? 0;
      await eventually(async () => (await listSize()) >= listed.length, 10_000);
      const status = (id: string) => request(c.server).get(`/pf-ws/rest/sessionMgmt/revokedSris/${id}?updateActivityTime=false`).auth('rp', 'rp-secret-1').set('X-XSRF-HEADER', 'x');
      for (const id of [listed[0], listed[1999], listed[2000], listed[2499]]) expect((await status(id)).status).toBe(200);
      expect((await status('never-listed')).status).toBe(404);
    } finally {
      await c.close();
    }
    // 2,500 listings over HTTP and a third instance's start: well past the default 30 s on a busy 2-core machine.
  }, 120_000);

  it('a client_credentials token revoked (RFC 7009) on one instance is inactive on the other', async () => {
    const cc = await request(a.server).post('/token').auth('rp', 'rp-secret-1').type('form').send({ grant_type: 'client_credentials', scope: 'profile' });
    expect(cc.status).toBe(200);
    expect((await introspect(b, rp, cc.body.access_token)).active).toBe(true);
    await request(a.server).post('/revoke').auth('rp', 'rp-secret-1').type('form').send({ token: cc.body.access_token }).expect(200);
    expect((await introspect(a, rp, cc.body.access_token)).active).toBe(false);
    await eventually(async () => !(await introspect(b, rp, cc.body.access_token)).active);
  });
});
