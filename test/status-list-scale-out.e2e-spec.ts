import request from 'supertest';
import { ConfigOverrides } from '@app/common';
import { StatusListIssuance } from '@app/status-list';
import { StatusType } from '../libs/resource-server/src/status-list';
import { ClientFixture, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { expectStatusSoon, servedStatus, statusRef } from './support/status-list';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

/**
 * Two instances on one store (PostgreSQL, or one SQLite file): indexes leased in blocks never
 * collide, lists roll over, and a revocation made on either instance reaches both instances' lists.
 * On SQLite the two instances share this process, where two connections must not write at once
 * (one would wait, synchronously, for a transaction the other cannot finish): there each request
 * waits for its instance's writes behind the answer. On PostgreSQL they issue concurrently.
 */
const SQLITE = !process.env.TEST_DATABASE_URL;
describe('Token Status List on two instances', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;
  let rp: ClientFixture;

  /** Waits for the lease and the entries an issuance left to write behind. */
  const settled = async <T>(t: TestApp, answer: T): Promise<T> => {
    if (SQLITE) await t.app.get(StatusListIssuance).drain();
    return answer;
  };
  const clientToken = async (t: TestApp) =>
    settled(t, (await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'profile' }).expect(200)).body.access_token as string);
  const login = async (t: TestApp, uid: string) => settled(t, await passwordLogin(t, rp, uid, `${uid}-password`));
  /** One token from each instance: at once on PostgreSQL, one after the other on SQLite. */
  const fromBoth = async <T>(issue: (t: TestApp) => Promise<T>): Promise<T[]> => (SQLITE ? [await issue(a), await issue(b)] : Promise.all([issue(a), issue(b)]));

  beforeAll(async () => {
    store = testStoreConfig();
    // Small lists and blocks: both instances lease from the same lists, which fill and roll over.
    const shared: ConfigOverrides = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, statusList: { capacity: 64, blockSize: 8 } };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
    rp = await seedClient(a, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'] });
    await seedUser(a, 'alice', 'alice-password');
    await seedUser(a, 'bob', 'bob-password');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    store.cleanup();
  });

  it('hands out every index once across both instances, rolling over full lists', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 40; i++) tokens.push(...(await fromBoth(clientToken)));
    const logins = await fromBoth((t) => login(t, 'alice'));
    for (const login of logins) tokens.push(login.body.access_token, login.body.id_token);
    const refs = tokens.map(statusRef);
    expect(new Set(refs.map((r) => `${r.uri}#${r.idx}`)).size).toBe(tokens.length);
    expect(refs.every((r) => r.idx >= 0 && r.idx < 64)).toBe(true);
    expect(new Set(refs.map((r) => r.uri)).size).toBeGreaterThan(1);
    // Each instance serves every list, whichever instance's tokens it holds.
    const last = tokens[tokens.length - 1];
    await expectStatusSoon(a, last, StatusType.VALID);
    await expectStatusSoon(b, tokens[0], StatusType.VALID);
  });

  it('RFC 7009 on one instance of a token issued on the other: INVALID on both, the control VALID on both', async () => {
    const revoked = await clientToken(b);
    const control = await clientToken(b);
    await request(a.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: revoked }).expect(200);
    await expectStatusSoon(a, revoked, StatusType.INVALID);
    await expectStatusSoon(b, revoked, StatusType.INVALID);
    expect(await servedStatus(a, control)).toBe(StatusType.VALID);
    expect(await servedStatus(b, control)).toBe(StatusType.VALID);
  });

  it('a global revocation on one instance of a user signed in on the other: INVALID on both', async () => {
    const bob = await login(a, 'bob');
    const alice = await login(a, 'alice');
    await request(b.server).post('/jans-auth/restv1/global-token-revocation').auth(rp.client_id, rp.client_secret)
      .send({ sub_id: { format: 'uid', id: 'bob' } }).expect(204);
    for (const t of [a, b]) {
      await expectStatusSoon(t, bob.body.access_token, StatusType.INVALID);
      await expectStatusSoon(t, bob.body.id_token, StatusType.INVALID);
      expect(await servedStatus(t, alice.body.access_token)).toBe(StatusType.VALID);
    }
  });
});
