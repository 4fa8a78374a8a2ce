import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { RevocationEventEntity, RevokedSriEntity, Transactor, UserSessionEntity } from '@app/store';
import { introspect, seedClient, seedUser } from './support/fixtures';
import { REVOKED_SRIS, USERS } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Ending every session of a user who holds hundreds: one UPDATE, the SRIs of exactly the
 * sessions it ended listed, and one feed event the index reads them from (no per-session reads
 * back). What the API answers and what the store holds afterwards.
 */
describe('Revoking every session of a user who holds many', () => {
  let t: TestApp;
  const client = { client_id: 'mgmt', client_secret: 'mgmt-secret', session_management_api: true, session_revocation_api: true };
  const get = (path: string) => request(t.server).get(path).auth(client.client_id, client.client_secret).set('X-XSRF-HEADER', 'PingFederate');
  const post = (path: string) => request(t.server).post(path).auth(client.client_id, client.client_secret).set('X-XSRF-HEADER', 'PingFederate');

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, client);
  });
  afterAll(async () => { await t.close(); });

  it('lists the SRI of each session it ended, and only those; the status check answers from the index at once', async () => {
    const userId = await seedUser(t, 'many', 'a-password', { mail: 'many@example.com' });
    const login = await request(t.server).post('/token').auth(client.client_id, client.client_secret).type('form')
      .send({ grant_type: 'password', username: 'many', password: 'a-password', scope: 'openid' });
    expect(login.status).toBe(200);
    const loginSri = decodeJwt(login.body.id_token as string)['pi.sri'] as string;
    const now = Date.now();
    const row = (over: Partial<UserSessionEntity> = {}): UserSessionEntity => ({
      id: randomUUID(), sri: randomBytes(24).toString('base64url'), userId, clientIds: ['mgmt'], authnSource: 'password', clientIp: null, userAgent: null,
      createdAt: now - 60_000, lastActivityAt: now - 1000, idleTimeout: 3600, maxLifetime: 28_800, revokedAt: null, revokedReason: null, revokedBy: null, ...over,
    });
    const live = Array.from({ length: 400 }, () => row());
    const endedBefore = row({ revokedAt: now - 30_000, revokedReason: 'end_session', revokedBy: 'mgmt' });
    const renewedLater = live[0].sri;
    const farExpiry = now + 10 * 86_400_000;
    await t.app.get(Transactor).run(async (em) => {
      for (let i = 0; i < live.length; i += 100) await em.insert(UserSessionEntity, live.slice(i, i + 100));
      await em.insert(UserSessionEntity, endedBefore);
      // Already listed with a later expiry: listing it again keeps that expiry.
      await em.insert(RevokedSriEntity, { sri: renewedLater, createdAt: now - 1000, expiresAt: farExpiry, revokedBy: 'earlier' });
    });
    const lastEvent = Number((await t.dataSource.query('SELECT MAX(id) AS id FROM revocation_event'))[0].id);

    const res = await post(`${USERS}/many/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'SESSION_REVOKED' });

    // The store: every live session ended at one instant, each of their SRIs listed for the lifetime.
    const sessions = await t.dataSource.getRepository(UserSessionEntity).findBy({ userId });
    const ended = sessions.filter((s) => s.id !== endedBefore.id);
    expect(ended).toHaveLength(live.length + 1);
    const at = ended[0].revokedAt!;
    expect(ended.every((s) => s.revokedAt === at && s.revokedReason === 'session_revocation_api' && s.revokedBy === 'mgmt')).toBe(true);
    expect(sessions.find((s) => s.id === endedBefore.id)).toMatchObject({ revokedAt: now - 30_000, revokedReason: 'end_session' });
    const entries = new Map((await t.dataSource.getRepository(RevokedSriEntity).find()).map((e) => [e.sri, e]));
    for (const s of ended) {
      if (s.sri === renewedLater) continue;
      expect(entries.get(s.sri)).toEqual({ sri: s.sri, createdAt: at, expiresAt: at + 490 * 60_000, revokedBy: 'mgmt' });
    }
    expect(entries.get(renewedLater)).toMatchObject({ expiresAt: farExpiry, revokedBy: 'earlier' });
    expect(entries.has(endedBefore.sri)).toBe(false);
    // One feed event for the user's sessions, carrying the instant they ended.
    const events = await t.dataSource.getRepository(RevocationEventEntity).find({ where: { subject: userId }, order: { id: 'ASC' } });
    expect(events.filter((e) => Number(e.id) > lastEvent).map((e) => [e.kind, e.value])).toEqual([['user_sessions', String(at)]]);

    // The API: each ended session's SRI answers as listed. (The earlier-ended one, not listed again
    // above, answers revoked as well once an index has read its end: session-mgmt-list-shares.)
    for (const s of [...live, { sri: loginSri }]) {
      const r = await get(`${REVOKED_SRIS}/${encodeURIComponent(s.sri)}?updateActivityTime=false`);
      expect([s.sri, r.status]).toEqual([s.sri, 200]);
    }
    expect(await introspect(t, client, login.body.access_token as string)).toEqual({ active: false });
  });
});
