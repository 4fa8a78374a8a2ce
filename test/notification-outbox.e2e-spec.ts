import request from 'supertest';
import { decodeJwt } from 'jose';
import { runCli } from '../apps/cli/src/cli';
import { ConfigOverrides } from '@app/common';
import { NotificationOutboxRepository } from '@app/store';
import { passwordLogin, seedClient, seedUser, sessionWatermarksSettled } from './support/fixtures';
import { Received, Receiver } from './support/receiver';
import { startTestApp, TestApp, testStoreConfig } from './support/test-app';

const FAST: ConfigOverrides = { notifications: { pollIntervalMs: 100, retryBaseMs: 100, retryMaxMs: 400, timeoutMs: 1500, maxAttempts: 3 } };
const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };

async function seed(t: TestApp, receiver: Receiver): Promise<string> {
  await seedClient(t, { ...RP, grant_types: ['password', 'client_credentials'], backchannel_logout_uri: receiver.url('/bcl') });
  await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
  await seedClient(t, { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
  return (await request(t.server).post('/token').auth('ops', 'ops-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
}

/** Logs a user in `sessions` times (password grant: one session each), then revokes them all with one global revocation. */
async function revokeSessions(t: TestApp, uid: string, sessions = 1): Promise<string[]> {
  await seedUser(t, uid, `${uid}-password`);
  const sids: string[] = [];
  for (let i = 0; i < sessions; i++) sids.push(decodeJwt((await passwordLogin(t, RP, uid, `${uid}-password`)).body.id_token).sid as string);
  const gtr = (await request(t.server).post('/token').auth('gtr', 'gtr-secret').type('form').send({ grant_type: 'client_credentials', scope: 'global_token_revocation' })).body.access_token;
  await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(gtr, { type: 'bearer' }).send({ sub_id: { format: 'uid', id: uid } }).expect(204);
  // The sessions end with the answer; their notifications are queued just after.
  await sessionWatermarksSettled(t);
  return sids;
}

const sidOf = (r: Received) => decodeJwt(new URLSearchParams(r.body).get('logout_token')!).sid as string;
const jtiOf = (r: Received) => decodeJwt(new URLSearchParams(r.body).get('logout_token')!).jti as string;

/** Polls (bounded) until `read` gives a value `accept` takes: the receiver has answered before the worker records it. */
async function until<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (accept(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function cli(config: ConfigOverrides, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } }, { config });
  return { code, stdout, stderr };
}

describe('Notification outbox: retries, failures, the admin API and CLI', () => {
  let t: TestApp;
  let receiver: Receiver;
  let adminToken: string;

  beforeAll(async () => {
    receiver = await Receiver.start();
    t = await startTestApp(FAST);
    adminToken = await seed(t, receiver);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const admin = (path: string) => request(t.server).get(path).auth(adminToken, { type: 'bearer' });

  it('a receiver that fails twice then succeeds gets exactly one successful delivery, the same logout each time', async () => {
    let calls = 0;
    receiver.answer = () => (++calls <= 2 ? 503 : 200);
    try {
      const [sid] = await revokeSessions(t, 'flaky');
      const mine = () => receiver.received.filter((r) => sidOf(r) === sid);
      await receiver.waitFor(() => mine().some((r) => r.status === 200));
      await new Promise((r) => setTimeout(r, 500));
      expect(mine().map((r) => r.status)).toEqual([503, 503, 200]);
      expect(new Set(mine().map(jtiOf)).size).toBe(1);
      const [row] = (await admin('/admin/notifications?status=delivered').expect(200)).body.filter((n: { session_id: string }) => n.session_id === sid);
      expect(row).toMatchObject({
        id: jtiOf(mine()[0]), kind: 'backchannel_logout', client_id: 'rp1', target_url: receiver.url('/bcl'), status: 'delivered', attempts: 3,
        next_attempt_at: null, last_error: null, initiating_entity: 'policy', reason: 'global_token_revocation', delivered_at: expect.any(String),
      });
    } finally {
      receiver.answer = () => 200;
    }
  });

  it('gives up after NOTIFICATION_MAX_ATTEMPTS; the admin API and the CLI show the failure, and a retry sends it again', async () => {
    receiver.answer = () => 500;
    let id: string;
    try {
      const [sid] = await revokeSessions(t, 'down');
      const outbox = t.app.get(NotificationOutboxRepository);
      const deadline = Date.now() + 10_000;
      let rows = await outbox.list(['failed'], 100);
      while (!rows.some((r) => r.payload.sid === sid) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        rows = await outbox.list(['failed'], 100);
      }
      const failed = rows.find((r) => r.payload.sid === sid)!;
      expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 500: {"err":"temporarily_unavailable","description":"try later"}', deliveredAt: null });
      id = failed.id;
      expect(receiver.received.filter((r) => sidOf(r) === sid)).toHaveLength(3);

      // Pending and failed by default.
      const listed = (await admin('/admin/notifications').expect(200)).body as { id: string; status: string }[];
      expect(listed.find((n) => n.id === id)).toMatchObject({ status: 'failed', attempts: 3, last_error: expect.stringMatching(/^HTTP 500/) });
      expect((await admin('/admin/notifications?status=pending').expect(200)).body.some((n: { id: string }) => n.id === id)).toBe(false);
      expect((await admin('/admin/notifications?status=lost').expect(400)).body.error).toBe('invalid_request');

      const table = await cli(t.config, 'notifications', 'list');
      expect(table.code).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0].split(/\s+/)).toEqual(['ID', 'KIND', 'CLIENT', 'STATUS', 'ATTEMPTS', 'NEXT_ATTEMPT', 'CREATED', 'LAST_ERROR']);
      expect(lines.find((l) => l.startsWith(id))).toMatch(new RegExp(`^${id}\\s+backchannel_logout\\s+rp1\\s+failed\\s+3\\s+-\\s+\\S+Z\\s+HTTP 500`));
      expect(lines.at(-1)).toMatch(/^\d+ pending, [1-9]\d* failed, \d+ delivered\.$/);
      const asJson = JSON.parse((await cli(t.config, 'notifications', 'list', '--status', 'failed', '--json')).stdout) as { id: string }[];
      expect(asJson.map((n) => n.id)).toContain(id);
      expect(await cli(t.config, 'notifications', 'list', '--status', 'lost')).toMatchObject({ code: 2, stderr: 'error: status: must be all or a comma-separated list of pending, delivered, failed\n' });
    } finally {
      receiver.answer = () => 200;
    }

    // The receiver is back: a retry (admin API here) sends it at once.
    const retried = await request(t.server).post(`/admin/notifications/${id}/retry`).auth(adminToken, { type: 'bearer' }).expect(200);
    expect(retried.body).toMatchObject({ id, status: 'pending', attempts: 0 });
    await receiver.waitFor((rs) => rs.some((r) => jtiOf(r) === id && r.status === 200));
    const done = await until(() => t.app.get(NotificationOutboxRepository).findById(id), (n) => n?.status === 'delivered');
    expect(done).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await request(t.server).post(`/admin/notifications/${id}/retry`).auth(adminToken, { type: 'bearer' })).status).toBe(409);
    expect((await request(t.server).post('/admin/notifications/nope/retry').auth(adminToken, { type: 'bearer' })).status).toBe(404);
    expect(await cli(t.config, 'notifications', 'retry', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'error: No notification with the id "nope".\n' });
  });

  it('needs the admin scope', async () => {
    expect((await request(t.server).get('/admin/notifications')).status).toBe(401);
  });
});

describe('Notification outbox: durability and several instances', () => {
  let receiver: Receiver;
  beforeAll(async () => { receiver = await Receiver.start(); });
  afterAll(async () => { await receiver.close(); });

  it('a server stopped with pending deliveries sends them after a restart', async () => {
    const store = testStoreConfig();
    const onStore = { ...FAST, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } };
    try {
      // A: no worker, as if it had crashed right after the revocations committed.
      const a = await startTestApp({ ...onStore, notifications: { ...FAST.notifications, worker: false } });
      let sids: string[];
      try {
        const token = await seed(a, receiver);
        sids = await revokeSessions(a, 'sleeper', 3);
        const pending = (await request(a.server).get('/admin/notifications?status=pending').auth(token, { type: 'bearer' }).expect(200)).body as { session_id: string; attempts: number }[];
        expect(pending.map((n) => n.session_id).sort()).toEqual([...sids].sort());
        expect(pending.every((n) => n.attempts === 0)).toBe(true);
        expect((await cli(a.config, 'notifications', 'list', '--status', 'pending')).stdout).toMatch(/^3 pending, 0 failed, 0 delivered\.$/m);
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.received).toHaveLength(0);
      } finally {
        await a.close();
      }
      // B, on the same store, sends them.
      const b = await startTestApp(onStore);
      try {
        await receiver.waitFor((rs) => rs.filter((r) => r.status === 200).length === 3);
        expect(receiver.received.map(sidOf).sort()).toEqual([...sids].sort());
        const outbox = b.app.get(NotificationOutboxRepository);
        expect(await until(() => outbox.countByStatus(), (c) => c.delivered === 3)).toEqual({ pending: 0, delivered: 3, failed: 0 });
      } finally {
        await b.close();
      }
    } finally {
      store.cleanup();
    }
  });

  it('two instances on one store send each notification once', async () => {
    receiver.received.length = 0;
    const store = testStoreConfig();
    const onStore = { ...FAST, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } };
    const a = await startTestApp(onStore);
    const b = await startTestApp(onStore);
    try {
      await seed(a, receiver);
      const sids = await revokeSessions(a, 'twin', 8);
      await receiver.waitFor((rs) => rs.filter((r) => r.status === 200).length >= 8);
      await new Promise((r) => setTimeout(r, 600));
      expect(receiver.received).toHaveLength(8);
      expect(new Set(receiver.received.map(jtiOf)).size).toBe(8);
      expect(receiver.received.map(sidOf).sort()).toEqual([...sids].sort());
    } finally {
      await a.close();
      await b.close();
      store.cleanup();
    }
  });
});
