import request from 'supertest';
import { decodeJwt } from 'jose';
import { RevocationListPurger } from '@app/session-mgmt';
import { SessionTerminator } from '@app/sessions';
import { RevokedSriEntity, RevokedSriRepository, Transactor, UserSessionEntity } from '@app/store';
import { ClientFixture, introspect, seedClient, seedUser } from './support/fixtures';
import { login, NOT_REVOKED, REVOKED_SRIS } from './support/session-mgmt';
import { startTestApp, TestApp, testStoreConfig } from './support/test-app';

const A: ClientFixture = { client_id: 'pf-a', client_secret: 'pf-a-secret', session_revocation_api: true };
const B: ClientFixture = { client_id: 'pf-b', client_secret: 'pf-b-secret', session_revocation_api: true };
const MAX = 10;

/**
 * "The session revocation list can be flushed by one client": each client holds a share of the
 * list's maximum, and a session this server knows has ended never answers "not revoked".
 */
describe('Session revocation list: a share per client, and ended sessions stay revoked', () => {
  const store = testStoreConfig();
  const onTheStore = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, revocationList: { max: MAX, purgeInterval: 1 } };
  let t: TestApp;
  let other: TestApp | undefined;

  const add = (c: ClientFixture, sri: string) =>
    request(t.server).post(REVOKED_SRIS).auth(c.client_id, c.client_secret).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send({ id: sri });
  const status = (app: TestApp, sri: string) =>
    request(app.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}?updateActivityTime=false`).auth(A.client_id, A.client_secret).set('X-XSRF-HEADER', 'PingFederate');
  const entries = async () => (await t.dataSource.getRepository(RevokedSriEntity).find({ order: { createdAt: 'ASC', sri: 'ASC' } })).map((e) => [e.sri, e.revokedBy]);

  beforeAll(async () => {
    t = await startTestApp(onTheStore);
    await seedClient(t, A);
    await seedClient(t, B);
    await seedUser(t, 'ada', 'ada-password');
  });
  afterAll(async () => {
    await other?.close();
    await t.close();
    store.cleanup();
  });

  it('keeps client A\'s entries when client B lists many junk SRIs; B\'s real session, purged from the list, still answers revoked', async () => {
    const ofA = await login(t, A, 'ada', 'ada-password');
    const ofB = await login(t, B, 'ada', 'ada-password');
    expect((await add(A, ofA.sri)).status).toBe(201);
    expect((await add(A, 'a-foreign-sri')).status).toBe(201); // an SRI this server never issued: only its share keeps it
    expect((await add(B, ofB.sri)).status).toBe(201);
    const junk = Array.from({ length: 3 * MAX }, (_, i) => `b-junk-${String(i).padStart(2, '0')}`);
    for (const sri of junk) {
      expect((await add(B, sri)).status).toBe(201);
      await new Promise((r) => setTimeout(r, 2)); // distinct listing instants: oldest first is well defined
    }
    await t.app.get(RevocationListPurger).purge();

    // The store: A's entries all kept; B down to the rest of the maximum, its oldest gone first (its real session's SRI among them).
    const listed = await entries();
    expect(listed).toHaveLength(MAX);
    expect(listed.filter(([, by]) => by === A.client_id).map(([sri]) => sri).sort()).toEqual([ofA.sri, 'a-foreign-sri'].sort());
    expect(listed.filter(([, by]) => by === B.client_id).map(([sri]) => sri)).toEqual(junk.slice(-(MAX - 2)));

    // The status endpoint: A's entries listed; B's ended session revoked though purged; B's purged junk not.
    for (const sri of [ofA.sri, 'a-foreign-sri', ofB.sri]) expect([sri, (await status(t, sri)).body]).toEqual([sri, { id: sri }]);
    const junkGone = await status(t, junk[0]);
    expect(junkGone.status).toBe(404);
    expect(junkGone.body).toEqual(NOT_REVOKED);

    // Token checks: both sessions ended by the list, their tokens with them.
    const sessions = await t.dataSource.getRepository(UserSessionEntity).findBy({ sri: ofB.sri });
    expect(sessions.map((s) => [s.revokedReason, s.revokedBy])).toEqual([['session_revocation_api', B.client_id]]);
    expect(await introspect(t, A, ofA.accessToken)).toEqual({ active: false });
    expect(await introspect(t, B, ofB.accessToken)).toEqual({ active: false });

    // The store's own answer (taken while the index is not current), and an instance started now (its index from the snapshot).
    const repo = t.app.get(RevokedSriRepository);
    expect(await Promise.all([ofA.sri, ofB.sri, junk[0], 'never-listed'].map((sri) => repo.isRevoked(sri)))).toEqual([true, true, false, false]);
    other = await startTestApp(onTheStore);
    for (const sri of [ofA.sri, 'a-foreign-sri', ofB.sri]) await eventually(async () => (await status(other!, sri)).status === 200, `${sri} revoked on the other instance`);
    expect((await status(other, junk[0])).status).toBe(404);
  });

  it('a session that ended without being listed (end session) answers revoked, and a live one not', async () => {
    const live = await login(t, A, 'ada', 'ada-password');
    const loggedOut = await login(t, A, 'ada', 'ada-password');
    const sid = decodeJwt(loggedOut.idToken).sid as string;
    await t.app.get(Transactor).run((em) =>
      t.app.get(SessionTerminator).end({ id: sid }, { reason: 'end_session', by: A.client_id, at: Date.now(), initiatingEntity: 'user' }, em));

    expect((await status(t, loggedOut.sri)).body).toEqual({ id: loggedOut.sri });
    expect(await t.dataSource.getRepository(RevokedSriEntity).findOneBy({ sri: loggedOut.sri })).toBeNull();
    const res = await status(t, live.sri);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_REVOKED);
  });
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
