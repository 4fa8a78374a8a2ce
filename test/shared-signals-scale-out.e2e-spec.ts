import request from 'supertest';
import { decodeJwt } from 'jose';
import { ConfigOverrides } from '@app/common';
import { ClientFixture, seedUser } from './support/fixtures';
import { PushReceiver, seedReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const PUSH = 'urn:ietf:rfc:8935';
const SESSIONS = 8;

jest.setTimeout(120_000);

/**
 * openid-ssf-transmitter-two-instances: two stateless instances on one store, both delivering
 * from the outbox. Each SET reaches a push receiver once, and concurrent polls through either
 * instance never return the same SET twice.
 */
describe('Shared Signals with two instances on one store', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;
  let rx: PushReceiver;
  let rp: ClientFixture;

  beforeAll(async () => {
    store = testStoreConfig();
    rx = await PushReceiver.start();
    const shared: ConfigOverrides = {
      store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema },
      notifications: { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5 },
      ssf: { pollAckTimeout: 60, pollMaxWait: 5 },
    };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
    rp = await seedReceiver(a, 'rp-two');
    await seedUser(a, 'ada', 'ada-password', { email: 'ada@example.com' });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await rx.close();
    store.cleanup();
  });

  /** A session of ada at rp (password grant): its id token, for end session. */
  async function signIn(t: TestApp): Promise<string> {
    const res = await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form')
      .send({ grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid' }).expect(200);
    return res.body.id_token as string;
  }

  it('delivers every session ending once, by push and by poll, whichever instance ends it or answers the poll', async () => {
    const api = ssf(a, await ssfToken(a, rp));
    await api.create({ delivery: { method: PUSH, endpoint_url: rx.url('/two') }, events_requested: [SESSION_REVOKED] }).expect(201);
    const poll = (await api.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body.delivery.endpoint_url as string;

    const idTokens: string[] = [];
    for (let i = 0; i < SESSIONS; i++) idTokens.push(await signIn(i % 2 ? b : a));
    const sids = idTokens.map((t) => decodeJwt(t).sid as string);
    // Ended half through each instance.
    await Promise.all(idTokens.map((idToken, i) => request((i % 2 ? a : b).server).get(`/end_session?${new URLSearchParams({ id_token_hint: idToken })}`).expect(200)));

    // Push: one SET per ending, none twice, even after both workers had time to send more.
    await rx.waitFor(SESSIONS, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const pushed = await Promise.all(rx.pushes.map((p) => verifySet(a, p.body, 'rp-two')));
    expect(pushed).toHaveLength(SESSIONS);
    expect(new Set(pushed.map((s) => s.jti)).size).toBe(SESSIONS);
    expect(pushed.map((s) => (s.sub_id as { session: { id: string } }).session.id).sort()).toEqual([...sids].sort());

    // Poll through both instances at once, small batches, acknowledging what came back.
    const apiA = api;
    const apiB = ssf(b, await ssfToken(b, rp));
    const seen: string[] = [];
    let acks: string[] = [];
    for (let round = 0; round < 20 && seen.length < SESSIONS; round++) {
      const [fromA, fromB] = await Promise.all([
        apiA.poll(poll, { maxEvents: 3, returnImmediately: true, ack: acks }).expect(200),
        apiB.poll(poll, { maxEvents: 3, returnImmediately: true }).expect(200),
      ]);
      const batch = [...Object.keys(fromA.body.sets), ...Object.keys(fromB.body.sets)];
      seen.push(...batch);
      acks = batch;
    }
    await apiA.poll(poll, { returnImmediately: true, ack: acks }).expect(200);
    expect(seen).toHaveLength(SESSIONS);
    expect(new Set(seen).size).toBe(SESSIONS);
    // Everything acknowledged: nothing more through either instance.
    expect((await apiB.poll(poll, { returnImmediately: true }).expect(200)).body.sets).toEqual({});
  });
});
