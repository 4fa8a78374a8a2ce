import request from 'supertest';
import { ConfigOverrides } from '@app/common';
import { SessionWatermarkWorker } from '@app/sessions';
import { NotificationOutboxEntity, RevocationReceiptEntity, UserTokenWatermarkEntity } from '@app/store';
import { ClientFixture, passwordLogin, seedUser } from './support/fixtures';
import { seedReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

/**
 * The completion receipt of a global token revocation: once every session of the user has ended,
 * the caller's Shared Signals streams that deliver session-revoked get one SET about all of them,
 * with the request's txn, whichever instance ends the sessions.
 */
const ISSUER = 'http://localhost:8080';
const PATH = '/jans-auth/restv1/global-token-revocation';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

jest.setTimeout(90_000);

type Receiver = { client: ClientFixture; api: ReturnType<typeof ssf>; endpoint: string };

/** A caller of the endpoint that owns a poll stream delivering session-revoked. */
async function caller(t: TestApp, clientId: string): Promise<Receiver> {
  const client = await seedReceiver(t, clientId, ['ssf.manage', 'global_token_revocation']);
  const api = ssf(t, await ssfToken(t, client));
  const stream = (await api.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body;
  return { client, api, endpoint: stream.delivery.endpoint_url as string };
}

/** Every SET waiting on the stream, in the order the poll gives them, verified and acknowledged. */
async function drainStream(t: TestApp, r: Receiver) {
  const res = await r.api.poll(r.endpoint, { returnImmediately: true, maxEvents: 100 }).expect(200);
  const jtis = Object.keys(res.body.sets);
  if (jtis.length > 0) await r.api.poll(r.endpoint, { returnImmediately: true, maxEvents: 0, ack: jtis }).expect(200);
  return Promise.all(Object.values<string>(res.body.sets).map((s) => verifySet(t, s, r.client.client_id)));
}

function revoke(t: TestApp, c: ClientFixture, subId: object) {
  return request(t.server).post(PATH).auth(c.client_id, c.client_secret).send({ sub_id: subId });
}

/** Waits out the worker's grace after the user's watermark, then has `apps` mark its sessions (each its own pass). */
async function endSessions(userId: string, ...apps: TestApp[]): Promise<number> {
  const { validAfter } = await apps[0].dataSource.getRepository(UserTokenWatermarkEntity).findOneByOrFail({ userId });
  await new Promise((r) => setTimeout(r, Math.max(0, validAfter + 2100 - Date.now())));
  await Promise.all(apps.map((a) => a.app.get(SessionWatermarkWorker).drain()));
  return validAfter;
}

const receiptsOf = (t: TestApp, userId: string) => t.dataSource.getRepository(RevocationReceiptEntity).countBy({ userId });

describe('Global Token Revocation: the completion receipt', () => {
  let t: TestApp;
  let rp: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ ssf: { pollMaxWait: 1 } });
    rp = await caller(t, 'rp');
  });
  afterAll(async () => { await t.close(); });

  it('a caller with a poll stream revokes a user with two sessions: their SETs, then one receipt with the request\'s txn', async () => {
    const alice = await seedUser(t, 'alice', 'alice-password', { email: 'alice@example.com' });
    for (let i = 0; i < 2; i++) expect((await passwordLogin(t, rp.client, 'alice', 'alice-password', 'openid')).status).toBe(200);

    const res = await revoke(t, rp.client, { format: 'email', email: 'alice@example.com' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    // Remembered until the sessions have ended.
    const [pending] = await t.dataSource.getRepository(RevocationReceiptEntity).findBy({ userId: alice });
    expect(pending).toMatchObject({ clientId: 'rp', userSubject: { format: 'email', email: 'alice@example.com' }, initiatingEntity: 'policy' });

    const validAfter = await endSessions(alice, t);
    const sets = await drainStream(t, rp);
    expect(sets).toHaveLength(3);
    const [first, second, receipt] = sets;
    for (const s of [first, second]) expect(s.sub_id).toMatchObject({ format: 'complex', user: { format: 'iss_sub', iss: ISSUER, sub: alice }, session: { format: 'opaque' } });
    expect(receipt).toEqual({
      iss: ISSUER, aud: 'rp', iat: expect.any(Number), jti: expect.any(String), txn: pending.txn,
      sub_id: { format: 'complex', user: { format: 'email', email: 'alice@example.com' } },
      events: {
        [SESSION_REVOKED]: {
          event_timestamp: Math.floor(validAfter / 1000), initiating_entity: 'policy',
          reason_admin: { en: 'Global token revocation requested by rp completed: every session of the user has ended' },
        },
      },
    });
    expect(new Set(sets.map((s) => s.txn)).size).toBe(3);
    expect(await receiptsOf(t, alice)).toBe(0);

    // Another pass finds nothing left to say.
    await t.app.get(SessionWatermarkWorker).drain();
    expect(await drainStream(t, rp)).toEqual([]);
  });

  it('a user without sessions: the receipt is still sent, naming them by id when the caller\'s format has no SET form', async () => {
    const bob = await seedUser(t, 'bob', 'bob-password');
    await revoke(t, rp.client, { format: 'opaque', id: bob }).expect(204);
    await endSessions(bob, t);
    const sets = await drainStream(t, rp);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ sub_id: { format: 'complex', user: { format: 'opaque', id: bob } }, events: { [SESSION_REVOKED]: { initiating_entity: 'policy' } } });
    expect(sets[0].sub_id).not.toHaveProperty('session');
  });

  it('a caller without a stream: nothing remembered, nothing queued for it', async () => {
    const gtr: ClientFixture = { client_id: 'gtr-only', client_secret: 'gtr-only-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] };
    await seedReceiver(t, gtr.client_id, ['global_token_revocation'], { client_secret: gtr.client_secret });
    const carol = await seedUser(t, 'carol', 'carol-password');
    await revoke(t, gtr, { format: 'opaque', id: carol }).expect(204);
    expect(await receiptsOf(t, carol)).toBe(0);
    await endSessions(carol, t);
    expect(await t.dataSource.getRepository(NotificationOutboxEntity).countBy({ clientId: 'gtr-only' })).toBe(0);
    expect(await drainStream(t, rp)).toEqual([]);
  });
});

(onPostgres ? describe : describe.skip)('Global Token Revocation: the completion receipt with two instances', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    store = testStoreConfig();
    // The workers run only when the test says, on both instances at once.
    const shared: ConfigOverrides = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, sessions: { watermarkWorker: false }, notifications: { worker: false }, ssf: { pollMaxWait: 1 } };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    store.cleanup();
  });

  it('both instances mark the sessions: one receipt', async () => {
    const rp = await caller(a, 'rp');
    const dave = await seedUser(a, 'dave', 'dave-password', { email: 'dave@example.com' });
    for (let i = 0; i < 2; i++) expect((await passwordLogin(a, rp.client, 'dave', 'dave-password', 'openid')).status).toBe(200);
    await revoke(a, rp.client, { format: 'email', email: 'dave@example.com' }).expect(204);
    await endSessions(dave, a, b);
    const sets = await drainStream(b, rp);
    const receipts = sets.filter((s) => !('session' in (s.sub_id as object)));
    expect(receipts).toHaveLength(1);
    expect(sets).toHaveLength(3);
    expect(sets[2]).toBe(receipts[0]);
  });
});
