import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { ConfigOverrides } from '@app/common';
import { NotificationOutboxEntity } from '@app/store';
import { ClientFixture, passwordLogin, seedClient, seedUser, sessionWatermarksSettled } from './support/fixtures';
import { Received, Receiver } from './support/receiver';
import { startTestApp, TestApp } from './support/test-app';
import { eventually } from './support/eventually';

const GTR: ClientFixture = { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] };

/** `sessions` sessions of a new user at `client` (password grant: one session each). */
async function signIn(t: TestApp, client: ClientFixture, uid: string, sessions = 1): Promise<void> {
  await seedUser(t, uid, `${uid}-password`);
  for (let i = 0; i < sessions; i++) expect((await passwordLogin(t, client, uid, `${uid}-password`)).status).toBe(200);
}

/** Ends every session of `uid` (one global revocation) and waits until their notifications are queued. */
async function revokeUser(t: TestApp, uid: string): Promise<void> {
  await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(GTR.client_id, GTR.client_secret).send({ sub_id: { format: 'uid', id: uid } }).expect(204);
  await sessionWatermarksSettled(t);
}

/** Each test signs users in (scrypt) and waits for deliveries: room for a loaded machine. */
const SLOW_MACHINE_MS = 90_000;

const rows = (t: TestApp) => t.dataSource.getRepository(NotificationOutboxEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });

describe('Notification receivers cannot hurt the server or each other', () => {
  it('reads at most 4 KiB of an answer: a 400 with a 50 MB body is cut off, not read', async () => {
    const BODY = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    let finished = false;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => { closed = resolve; });
    const receiver: Server = createServer((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.on('finish', () => { finished = true; });
        res.on('close', () => closed());
        const more = () => {
          while (written < BODY && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          if (written >= BODY) res.end();
        };
        more();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const t = await startTestApp({ notifications: { pollIntervalMs: 100, maxAttempts: 1, timeoutMs: 10_000 } });
    try {
      const rp: ClientFixture = { client_id: 'rp', client_secret: 'rp-secret', grant_types: ['password'], backchannel_logout_uri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bcl` };
      await seedClient(t, rp);
      await seedClient(t, GTR);
      await signIn(t, rp, 'bulky');
      await revokeUser(t, 'bulky');
      await connectionClosed;
      // The server hung up while the receiver was still writing: most of the 50 MB was never sent.
      expect(finished).toBe(false);
      expect(written).toBeLessThan(BODY / 2);
      const [row] = await eventually(() => rows(t), (r) => r[0]?.status === 'failed');
      expect(row.lastError).toBe(`HTTP 400: ${'x'.repeat(200)}`);
    } finally {
      await t.close();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, SLOW_MACHINE_MS);

  describe('a receiver that never answers', () => {
    const TIMEOUT_MS = 5000;
    let t: TestApp;
    let slow: Receiver;
    let fast: Receiver;
    const rpSlow: ClientFixture = { client_id: 'rp-slow', client_secret: 'rp-slow-secret', grant_types: ['password'] };
    const rpFast: ClientFixture = { client_id: 'rp-fast', client_secret: 'rp-fast-secret', grant_types: ['password'] };

    beforeAll(async () => {
      slow = await Receiver.start();
      fast = await Receiver.start();
      slow.answer = () => new Promise<number>(() => undefined);
      // The timed-out rows are not retried during the test.
      t = await startTestApp({ notifications: { pollIntervalMs: 100, timeoutMs: TIMEOUT_MS, retryBaseMs: 60_000 } });
      await seedClient(t, { ...rpSlow, backchannel_logout_uri: slow.url('/bcl') });
      await seedClient(t, { ...rpFast, backchannel_logout_uri: fast.url('/bcl') });
      await seedClient(t, GTR);
    });
    afterAll(async () => {
      await t.close();
      await slow.close();
      await fast.close();
    });

    it('holds at most two of its logouts in flight, and another receiver\'s logout goes out meanwhile', async () => {
      await signIn(t, rpSlow, 'many', 6);
      await signIn(t, rpFast, 'other');
      await revokeUser(t, 'many');
      await slow.waitFor((rs) => rs.length >= 1);
      await revokeUser(t, 'other');
      const [told] = await fast.waitFor((rs) => rs.some((r) => r.status === 200));
      // Delivered while the slow receiver's first requests still hang, before the sender gives up on them.
      expect(told.at - slow.received[0].at).toBeLessThan(TIMEOUT_MS);
      expect(slow.received.length).toBeLessThanOrEqual(2);
      expect(slow.received.every((r) => r.status === 0)).toBe(true);
      expect(decodeJwt(new URLSearchParams(told.body).get('logout_token')!).aud).toBe('rp-fast');
      // The slow receiver's other rows wait, not attempted.
      const waiting = (await rows(t)).filter((r) => r.clientId === 'rp-slow');
      expect(waiting).toHaveLength(6);
      expect(waiting.filter((r) => r.attempts === 0).length).toBeGreaterThanOrEqual(4);
    }, SLOW_MACHINE_MS);
  });

  describe('a receiver that keeps failing (circuit breaker)', () => {
    const COOLDOWN_MS = 3000;
    let t: TestApp;
    let broken: Receiver;
    const rp: ClientFixture = { client_id: 'rp-broken', client_secret: 'rp-broken-secret', grant_types: ['password'] };

    beforeAll(async () => {
      broken = await Receiver.start();
      broken.answer = () => 500;
      t = await startTestApp({
        notifications: { pollIntervalMs: 100, retryBaseMs: 100, retryMaxMs: 200, maxAttempts: 10, receiverConcurrency: 1, circuitFailures: 2, circuitCooldownMs: COOLDOWN_MS },
      });
      await seedClient(t, { ...rp, backchannel_logout_uri: broken.url('/bcl') });
      await seedClient(t, GTR);
    });
    afterAll(async () => {
      await t.close();
      await broken.close();
    });

    it('is left alone after two failures in a row, then one trial closes the circuit and the rest go out', async () => {
      await signIn(t, rp, 'carol', 4);
      await revokeUser(t, 'carol');
      await broken.waitFor((rs) => rs.length >= 2);
      // Open: the failed rows are due again within 200 ms, but nothing is sent, and nothing else is attempted.
      await new Promise((r) => setTimeout(r, 600));
      expect(broken.received.map((r) => r.status)).toEqual([500, 500]);
      const open = await rows(t);
      expect(open.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
      expect(open.reduce((n, r) => n + r.attempts, 0)).toBe(2);

      broken.answer = () => 200;
      await broken.waitFor((rs) => rs.filter((r) => r.status === 200).length === 4, 20_000);
      const statuses: Received['status'][] = broken.received.map((r) => r.status);
      expect(statuses).toEqual([500, 500, 200, 200, 200, 200]);
      // The trial came once the cool-down was over.
      expect(broken.received[2].at - broken.received[1].at).toBeGreaterThanOrEqual(COOLDOWN_MS - 500);
      const done = await eventually(() => rows(t), (r) => r.every((n) => n.status === 'delivered'));
      expect(done.reduce((n, r) => n + r.attempts, 0)).toBe(6);
    }, SLOW_MACHINE_MS);
  });
});
