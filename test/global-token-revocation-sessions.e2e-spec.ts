import request from 'supertest';
import { ConfigOverrides } from '@app/common';
import { SessionWatermarkWorker, SriCodec } from '@app/sessions';
import {
  NotificationOutboxEntity, RevocationEventEntity, RevokedSriEntity, SessionRepository, Transactor, UserSessionEntity, UserTokenWatermarkEntity,
} from '@app/store';
import { ClientFixture, introspect, seedClient, seedUser } from './support/fixtures';
import { login, REVOKED_SRIS } from './support/session-mgmt';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

/** Polls until `check` holds, for at most `ms` (each instance reads the revocation feed every 50 ms). */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Two instances on one fresh store, their background workers off (the tests run them), with `rp` seeded. */
async function twoInstances(rp: ClientFixture): Promise<{ store: ReturnType<typeof testStoreConfig>; a: TestApp; b: TestApp }> {
  const store = testStoreConfig();
  const shared: ConfigOverrides = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, sessions: { watermarkWorker: false }, notifications: { worker: false } };
  const a = await startTestApp(shared);
  const b = await startTestApp(shared);
  await seedClient(a, rp);
  return { store, a, b };
}

/**
 * Global revocation ends a user's sessions with the watermark, in O(1) rows; the session rows
 * are marked, their SRIs listed and their clients notified afterwards by the session watermark
 * worker. Two instances on one store with that worker off stand for "before it has run" (or a
 * crash right after the commit); a third instance started on the store recovers.
 */
describe('Global Token Revocation: sessions ended by the watermark', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;
  let userId: string;
  let at: number;
  const rp: ClientFixture = {
    client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'], session_revocation_api: true,
    // Never reached: the instances here do not send, so the queued notifications stay in the outbox.
    backchannel_logout_uri: 'http://127.0.0.1:9/bcl', caep_receiver_uri: 'http://127.0.0.1:9/caep',
  };
  const status = (t: TestApp, sri: string) =>
    request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}?updateActivityTime=false`).auth('rp', 'rp-secret-1').set('X-XSRF-HEADER', 'x');
  const sessionsOf = (t: TestApp) => t.dataSource.getRepository(UserSessionEntity).find({ where: { userId }, order: { createdAt: 'ASC' } });
  let before: Awaited<ReturnType<typeof login>>[];
  let after: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    ({ store, a, b } = await twoInstances(rp));
    userId = await seedUser(a, 'carol', 'carol-password');
    before = [];
    for (let i = 0; i < 3; i++) before.push(await login(a, rp, 'carol', 'carol-password'));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    store.cleanup();
  });

  it('answers 204 having written O(1) rows: the sessions are ended at once though their rows are not marked yet', async () => {
    const lastEvent = Number((await a.dataSource.query('SELECT MAX(id) AS id FROM revocation_event'))[0].id);
    await request(a.server).post('/jans-auth/restv1/global-token-revocation').auth('rp', 'rp-secret-1')
      .send({ sub_id: { format: 'uid', id: 'carol' } }).expect(204);
    const watermark = await a.dataSource.getRepository(UserTokenWatermarkEntity).findOneByOrFail({ userId });
    at = watermark.validAfter;
    expect(watermark).toMatchObject({ sessionReason: 'global_token_revocation', sessionEndedBy: 'rp', initiatingEntity: 'policy' });
    expect(watermark.sessionsEndedAt ?? 0).toBeLessThan(at);
    // The store: no session row touched, no SRI listed, no notification queued, one feed event.
    expect((await sessionsOf(a)).every((s) => s.revokedAt === null)).toBe(true);
    expect(await a.dataSource.getRepository(RevokedSriEntity).countBy({ revokedBy: 'rp' })).toBe(0);
    expect(await a.dataSource.getRepository(NotificationOutboxEntity).count()).toBe(0);
    const events = await a.dataSource.getRepository(RevocationEventEntity).find({ order: { id: 'ASC' } });
    expect(events.filter((e) => Number(e.id) > lastEvent).map((e) => [e.kind, e.subject, e.value])).toEqual([['watermark', userId, String(at)]]);

    // What every reader says: the SRIs are listed, on this instance at once, on the other within the feed's delay.
    for (const s of before) {
      expect([s.sri, (await status(a, s.sri)).status]).toEqual([s.sri, 200]);
      expect((await introspect(a, rp, s.accessToken)).active).toBe(false);
    }
    for (const s of before) await eventually(async () => (await status(b, s.sri)).status === 200);
    for (const s of before) expect((await introspect(b, rp, s.accessToken)).active).toBe(false);
    // Session listings and lookups show them revoked by the caller, at the revocation's instant.
    for (const t of [a, b]) {
      const listed = await t.app.get(SessionRepository).listByUser(userId);
      expect(listed.map((s) => [s.revokedAt, s.revokedReason, s.revokedBy])).toEqual(before.map(() => [at, 'global_token_revocation', 'rp']));
      expect(await t.app.get(SessionRepository).listActiveByUser(userId)).toEqual([]);
    }
    // Their refresh tokens are refused.
    const refresh = await request(b.server).post('/token').auth('rp', 'rp-secret-1').type('form').send({ grant_type: 'refresh_token', refresh_token: before[0].refreshToken });
    expect(refresh.status).toBe(400);
  });

  it('a sign-in after the answer is live, on both instances', async () => {
    after = await login(a, rp, 'carol', 'carol-password');
    for (const t of [a, b]) {
      expect((await status(t, after.sri)).status).toBe(404);
      expect((await introspect(t, rp, after.accessToken)).active).toBe(true);
    }
    expect((await a.app.get(SessionRepository).listActiveByUser(userId)).map((s) => s.sri)).toEqual([after.sri]);
  });

  it('an instance started after a crash before the worker ran marks the sessions, lists their SRIs and queues their notifications', async () => {
    // Both instances stop before having marked anything, as if they had crashed after the commit.
    await b.close();
    await a.close();
    // A fresh instance without the worker answers from the watermark, loaded at its start.
    b = await startTestApp({ store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, sessions: { watermarkWorker: false }, notifications: { worker: false } });
    for (const s of before) await eventually(async () => (await status(b, s.sri)).status === 200);
    expect((await sessionsOf(b)).every((s) => s.revokedAt === null)).toBe(true);
    // One with the worker marks them as it starts.
    a = await startTestApp({ store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, notifications: { worker: false } });
    await a.app.get(SessionWatermarkWorker).drain();

    const rows = await sessionsOf(a);
    expect(rows).toHaveLength(4);
    const ended = rows.filter((s) => s.sri !== after.sri);
    expect(ended.map((s) => [s.sri, s.revokedAt, s.revokedReason, s.revokedBy])).toEqual(before.map((s) => [s.sri, at, 'global_token_revocation', 'rp']));
    expect(rows.find((s) => s.sri === after.sri)).toMatchObject({ revokedAt: null });
    const entries = await a.dataSource.getRepository(RevokedSriEntity).findBy({ revokedBy: 'rp' });
    expect(entries.map((e) => [e.sri, e.createdAt, e.expiresAt]).sort()).toEqual(before.map((s) => [s.sri, at, at + 490 * 60_000]).sort());
    // One back-channel logout and one CAEP event (on the caep_receiver_uri stream) per ended session, as any ending queues them
    // (besides, once the watermark is recorded done, the caller's completion receipt on that stream: about every session, no sid).
    const outbox = (await a.dataSource.getRepository(NotificationOutboxEntity).find()).filter((r) => r.payload.sid !== undefined);
    expect(outbox.map((r) => [r.kind, r.payload.sid]).sort()).toEqual(
      ended.flatMap((s) => [['backchannel_logout', s.id], ['ssf_push', s.id]]).sort(),
    );
    // Recorded done once the watermark is older than a sign-in can take to commit.
    await new Promise((r) => setTimeout(r, Math.max(0, at + 2100 - Date.now())));
    await a.app.get(SessionWatermarkWorker).drain();
    expect(await a.dataSource.getRepository(UserTokenWatermarkEntity).findOneByOrFail({ userId })).toMatchObject({ sessionsEndedAt: at });

    // A second pass (or another instance) finds nothing left: nothing is ended or queued twice.
    await a.app.get(SessionWatermarkWorker).drain();
    expect(await a.dataSource.getRepository(NotificationOutboxEntity).count()).toBe(outbox.length + 1);
    // The answers stay: listed SRIs on both instances, the later session live.
    for (const t of [a, b]) {
      for (const s of before) await eventually(async () => (await status(t, s.sri)).status === 200);
      expect((await status(t, after.sri)).status).toBe(404);
      expect((await introspect(t, rp, after.accessToken)).active).toBe(true);
    }
  });
});

describe('Global Token Revocation: the session watermark worker runs right after the answer', () => {
  let t: TestApp;
  const rp: ClientFixture = { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'], session_revocation_api: true };

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, rp);
  });
  afterAll(async () => { await t.close(); });

  it('marks the sessions and lists their SRIs without anyone asking', async () => {
    const userId = await seedUser(t, 'dave', 'dave-password');
    const sessions = [await login(t, rp, 'dave', 'dave-password'), await login(t, rp, 'dave', 'dave-password')];
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth('rp', 'rp-secret-1')
      .send({ sub_id: { format: 'uid', id: 'dave' } }).expect(204);
    const repo = t.dataSource.getRepository(UserSessionEntity);
    await eventually(async () => (await repo.countBy({ userId, revokedReason: 'global_token_revocation' })) === sessions.length);
    for (const s of sessions) {
      await eventually(async () => (await t.dataSource.getRepository(RevokedSriEntity).countBy({ sri: s.sri })) === 1);
      expect((await request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(s.sri)}?updateActivityTime=false`).auth('rp', 'rp-secret-1').set('X-XSRF-HEADER', 'x')).status).toBe(200);
    }
  });
});

describe('Global Token Revocation: two instances marking the same sessions at once', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let a: TestApp;
  let b: TestApp;
  const rp: ClientFixture = {
    client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'], session_revocation_api: true,
    backchannel_logout_uri: 'http://127.0.0.1:9/bcl',
  };

  beforeAll(async () => {
    ({ store, a, b } = await twoInstances(rp));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    store.cleanup();
  });

  it('ends, lists and notifies each session once', async () => {
    const userId = await seedUser(a, 'erin', 'erin-password');
    const now = Date.now();
    const sris = a.app.get(SriCodec);
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      id: `erin-${i}`, sri: sris.seal(userId, now - 10_000 + i), sriSealed: true, userId, clientIds: ['rp'], authnSource: 'password', clientIp: null, userAgent: null,
      createdAt: now - 10_000 + i, lastActivityAt: now, idleTimeout: 3600, maxLifetime: 28_800, revokedAt: null, revokedReason: null, revokedBy: null,
    }));
    await a.app.get(Transactor).run(async (em) => {
      for (let i = 0; i < rows.length; i += 100) await em.insert(UserSessionEntity, rows.slice(i, i + 100));
    });
    await request(a.server).post('/jans-auth/restv1/global-token-revocation').auth('rp', 'rp-secret-1')
      .send({ sub_id: { format: 'uid', id: 'erin' } }).expect(204);
    // Answered from the watermark before any row is marked.
    for (const s of [rows[0], rows[rows.length - 1]]) {
      expect((await request(a.server).get(`${REVOKED_SRIS}/${encodeURIComponent(s.sri)}?updateActivityTime=false`).auth('rp', 'rp-secret-1').set('X-XSRF-HEADER', 'x')).status).toBe(200);
    }
    expect(await a.dataSource.getRepository(RevokedSriEntity).countBy({ revokedBy: 'rp' })).toBe(0);
    await Promise.all([a.app.get(SessionWatermarkWorker).drain(), b.app.get(SessionWatermarkWorker).drain()]);

    const ended = await a.dataSource.getRepository(UserSessionEntity).findBy({ userId, revokedReason: 'global_token_revocation' });
    expect(ended).toHaveLength(rows.length);
    expect(await a.dataSource.getRepository(RevokedSriEntity).countBy({ revokedBy: 'rp' })).toBe(rows.length);
    const outbox = await a.dataSource.getRepository(NotificationOutboxEntity).find();
    expect(outbox).toHaveLength(rows.length);
    expect(new Set(outbox.map((r) => r.payload.sid)).size).toBe(rows.length);
  });
});
