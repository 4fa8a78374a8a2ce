import request from 'supertest';
import { SessionRepository } from '@app/store';
import { seedClient, seedUser } from './support/fixtures';
import { login, NOT_REVOKED, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, SESSIONS, sessionRow, updateSession } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

const MIN = 60_000;

/**
 * Seed: "querying a valid session also extends the session lifetime by the time value specified
 * in the global Idle Timeout field or the idle timeout override for the authentication source
 * […] only send updates to the external storage when the remaining idle timeout window is less
 * than 75%", unless updateActivityTime=false.
 */
describe('Session Revocation API: idle extension and write coalescing', () => {
  let t: TestApp;
  let writes: jest.SpyInstance;
  const rp = { client_id: 'rp1', client_secret: 'rp1-secret', session_management_api: true };

  const status = (sri: string, query = '') =>
    request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}${query}`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');

  /** Store writes of session activity that took effect. */
  const writeCount = async () => (await Promise.all(writes.mock.results.map((r) => r.value))).filter(Boolean).length;

  beforeAll(async () => {
    // 20-minute global idle timeout; sessions of the source "password" get 10 minutes.
    t = await startTestApp({ sessions: { idleTimeout: 1200, idleTimeoutOverrides: {} } });
    await seedClient(t, SEED_CLIENT);
    await seedClient(t, rp);
    await seedUser(t, 'breakfast', 'a-password');
    writes = jest.spyOn(t.app.get(SessionRepository), 'recordActivity');
  });
  beforeEach(() => writes.mockClear());
  afterAll(async () => { writes.mockRestore(); await t.close(); });

  it('answers 404 for a valid, unlisted session and extends it by its idle timeout', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    const aged = Date.now() - 6 * MIN; // 14 of 20 minutes left: 70%
    await updateSession(t, sri, { lastActivityAt: aged });
    const res = await status(sri);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_REVOKED);
    const row = (await sessionRow(t, sri))!;
    expect(row.lastActivityAt).toBeGreaterThan(aged + 5 * MIN);
    expect(row.lastActivityAt).toBeLessThanOrEqual(Date.now());
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await writeCount()).toBe(1);
  });

  it('does not extend the session with updateActivityTime=false', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    const aged = Date.now() - 6 * MIN;
    await updateSession(t, sri, { lastActivityAt: aged });
    for (const query of ['?updateActivityTime=false', '?updateActivityTime=FALSE']) {
      const res = await status(sri, query);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_REVOKED);
    }
    expect((await sessionRow(t, sri))!.lastActivityAt).toBe(aged);
    expect(writes).not.toHaveBeenCalled();
    // Without it, the same query extends.
    await status(sri, '?updateActivityTime=true');
    expect((await sessionRow(t, sri))!.lastActivityAt).toBeGreaterThan(aged);
  });

  it('coalesces a burst of GETs: no write while at least 75% of the idle window remains, then exactly one', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    const created = (await sessionRow(t, sri))!.lastActivityAt;
    for (let i = 0; i < 20; i++) expect((await status(sri)).status).toBe(404);
    expect(writes).not.toHaveBeenCalled();
    expect((await sessionRow(t, sri))!.lastActivityAt).toBe(created);

    // 4 of 20 minutes gone: 80% left, still no write.
    await updateSession(t, sri, { lastActivityAt: Date.now() - 4 * MIN });
    for (let i = 0; i < 5; i++) await status(sri);
    expect(writes).not.toHaveBeenCalled();

    // 6 of 20 minutes gone: 70% left. A burst of 20 writes once.
    const aged = Date.now() - 6 * MIN;
    await updateSession(t, sri, { lastActivityAt: aged });
    await Promise.all(Array.from({ length: 20 }, () => status(sri).expect(404)));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await writeCount()).toBe(1);
    const extended = (await sessionRow(t, sri))!.lastActivityAt;
    expect(extended).toBeGreaterThan(aged);
    for (let i = 0; i < 10; i++) await status(sri);
    expect(writes).toHaveBeenCalledTimes(1);
    expect((await sessionRow(t, sri))!.lastActivityAt).toBe(extended);
  });

  it('never revives an idle-expired session', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    const expired = Date.now() - 21 * MIN;
    await updateSession(t, sri, { lastActivityAt: expired });
    expect((await status(sri)).status).toBe(404);
    expect((await sessionRow(t, sri))!.lastActivityAt).toBe(expired);
    expect(writes).not.toHaveBeenCalled();
    const info = await request(t.server).get(`${SESSIONS}/${sri}`).auth('rp1', 'rp1-secret').set('X-XSRF-HEADER', 'PingFederate');
    expect(info.status).toBe(404);
  });

  it('never extends a listed (revoked) session: 200, and nothing written', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send({ id: sri }).expect(201);
    await updateSession(t, sri, { lastActivityAt: Date.now() - 10 * MIN });
    expect((await status(sri)).body).toEqual({ id: sri });
    expect(writes).not.toHaveBeenCalled();
  });
});

describe('Session Revocation API: idle timeout override per authentication source', () => {
  let t: TestApp;
  const rp = { client_id: 'rp1', client_secret: 'rp1-secret', session_management_api: true };

  beforeAll(async () => {
    t = await startTestApp({ sessions: { idleTimeout: 1800, idleTimeoutOverrides: { password: 600 } } });
    await seedClient(t, SEED_CLIENT);
    await seedClient(t, rp);
    await seedUser(t, 'breakfast', 'a-password');
  });
  afterAll(async () => { await t.close(); });

  it('takes precedence over the global idle timeout, for new sessions and for extended ones', async () => {
    const { sri } = await login(t, rp, 'breakfast', 'a-password');
    expect((await sessionRow(t, sri))!.idleTimeout).toBe(600);
    const info = await request(t.server).get(`${SESSIONS}/${sri}`).auth('rp1', 'rp1-secret').set('X-XSRF-HEADER', 'PingFederate');
    expect(info.body.idleTimeoutMins).toBe(10);

    // A session stored with the global timeout (started before the override was set) takes the override when extended.
    await updateSession(t, sri, { idleTimeout: 1800, lastActivityAt: Date.now() - MIN });
    await request(t.server).get(`${REVOKED_SRIS}/${sri}`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').expect(404);
    const row = (await sessionRow(t, sri))!;
    expect(row.idleTimeout).toBe(600);
    expect(Date.now() - row.lastActivityAt).toBeLessThan(MIN);
  });
});
