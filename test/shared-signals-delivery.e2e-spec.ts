import request from 'supertest';
import { decodeJwt } from 'jose';
import { StreamMaintenanceWorker } from '@app/shared-signals';
import { NotificationOutboxEntity, SsfStreamEntity } from '@app/store';
import { ClientFixture, seedClient, seedUser } from './support/fixtures';
import { SEED_CLIENT, SESSIONS } from './support/session-mgmt';
import { eventually, PushReceiver, seedReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Delivery of the Shared Signals transmitter's SETs: push (RFC 8935) to a real receiver on
 * loopback and poll (RFC 8936), through the notification outbox; paused and disabled streams;
 * session endings as CAEP session-revoked. Named after the OpenID Foundation's SSF transmitter
 * test plan modules where they correspond.
 */
const ISSUER = 'http://localhost:8080';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
const STREAM_UPDATED = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';
const PUSH = 'urn:ietf:rfc:8935';

/** Sign-ins hash passwords and deliveries retry: room for a loaded machine. */
jest.setTimeout(90_000);

describe('Shared Signals transmitter: delivery', () => {
  let t: TestApp;
  let rx: PushReceiver;

  beforeAll(async () => {
    rx = await PushReceiver.start();
    t = await startTestApp({
      notifications: { pollIntervalMs: 100, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5 },
      ssf: { minVerificationInterval: 0, pollAckTimeout: 1, pollMaxWait: 10, inactivityTimeout: 3600 },
    });
    await seedClient(t, { ...SEED_CLIENT, session_management_api: true });
  });
  afterAll(async () => {
    await t.close();
    await rx.close();
  });

  const outbox = (streamId: string) => t.dataSource.getRepository(NotificationOutboxEntity).find({ where: { streamId }, order: { createdAt: 'ASC', id: 'ASC' } });

  async function receiver(id: string): Promise<{ client: ClientFixture; api: ReturnType<typeof ssf> }> {
    const client = await seedReceiver(t, id);
    return { client, api: ssf(t, await ssfToken(t, client)) };
  }

  async function pushStream(id: string, path: string, extra: object = {}) {
    const r = await receiver(id);
    const stream = (await r.api.create({ delivery: { method: PUSH, endpoint_url: rx.url(path), authorization_header: `Bearer ${id}-push-secret` }, events_requested: [SESSION_REVOKED], ...extra }).expect(201)).body;
    return { ...r, streamId: stream.stream_id as string };
  }

  async function pollStream(id: string) {
    const r = await receiver(id);
    const stream = (await r.api.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body;
    return { ...r, streamId: stream.stream_id as string, endpoint: stream.delivery.endpoint_url as string };
  }

  beforeEach(() => {
    rx.answer = () => ({ status: 202 });
  });

  describe('openid-ssf-transmitter-stream-verification-push', () => {
    it('pushes a verification SET with the receiver\'s state and authorization header, signed with a key from /jwks', async () => {
      const { api, streamId } = await pushStream('push-verify', '/push-verify');
      const before = rx.pushes.length;
      await api.verify({ stream_id: streamId, state: 'VGhpcyBpcyBhbiBleGFtcGxlIHN0YXRlIHZhbHVlLgo=' }).expect(204);
      const [push] = (await rx.waitFor(before + 1)).slice(before);
      expect(push.headers['content-type']).toBe('application/secevent+jwt');
      expect(push.headers.accept).toBe('application/json');
      expect(push.headers.authorization).toBe('Bearer push-verify-push-secret');
      const set = await verifySet(t, push.body, 'push-verify');
      expect(set).toEqual({
        iss: ISSUER, aud: 'push-verify', iat: expect.any(Number), jti: expect.any(String), txn: expect.any(String),
        sub_id: { format: 'opaque', id: streamId },
        events: { [VERIFICATION]: { state: 'VGhpcyBpcyBhbiBleGFtcGxlIHN0YXRlIHZhbHVlLgo=' } },
      });
      const [row] = await eventually(() => outbox(streamId), (rows) => rows[0]?.status === 'delivered');
      expect(row).toMatchObject({ id: set.jti, kind: 'ssf_push', status: 'delivered', attempts: 1 });
    });

    it('openid-ssf-transmitter-push-no-auth: sends no Authorization header when the stream has none', async () => {
      const r = await receiver('push-no-auth');
      const streamId = (await r.api.create({ delivery: { method: PUSH, endpoint_url: rx.url('/no-auth') } }).expect(201)).body.stream_id as string;
      const before = rx.pushes.length;
      await r.api.verify({ stream_id: streamId }).expect(204);
      const [push] = (await rx.waitFor(before + 1)).slice(before);
      expect(push.headers.authorization).toBeUndefined();
      // A verification the receiver did not give a state for carries none.
      expect((await verifySet(t, push.body, 'push-no-auth')).events).toEqual({ [VERIFICATION]: {} });
    });

    it('RFC 8935 §2.3: a SET the receiver refuses (400 with err) is not sent again; 503 with Retry-After is retried no sooner', async () => {
      const { api, streamId } = await pushStream('push-errors', '/push-errors');
      rx.answer = () => ({ status: 400, body: { err: 'invalid_audience', description: 'not for us' } });
      const before = rx.pushes.length;
      await api.verify({ stream_id: streamId }).expect(204);
      await rx.waitFor(before + 1);
      const [refused] = await eventually(() => outbox(streamId), (rows) => rows[0]?.status === 'failed');
      expect(refused.attempts).toBe(1);
      expect(refused.lastError).toBe('the receiver refused the SET: HTTP 400: {"err":"invalid_audience","description":"not for us"}');

      let answers = 0;
      rx.answer = () => (answers++ === 0 ? { status: 503, headers: { 'Retry-After': '2' } } : { status: 202 });
      const started = Date.now();
      await api.verify({ stream_id: streamId }).expect(204);
      const [, waiting] = await eventually(() => outbox(streamId), (rows) => rows[1]?.lastError === 'HTTP 503');
      // The backoff alone (retryBaseMs 50, retryMaxMs 200) would retry within 200 ms; the receiver asked for 2 s.
      expect(waiting.status).toBe('pending');
      expect(waiting.nextAttemptAt - started).toBeGreaterThanOrEqual(2000);
      const [, delivered] = await eventually(() => outbox(streamId), (rows) => rows[1]?.status === 'delivered');
      expect(delivered.attempts).toBe(2);
    });
  });

  describe('openid-ssf-transmitter-stream-verification-poll-and-ack', () => {
    it('returns the verification SET to a poll, never again once acknowledged', async () => {
      const { api, streamId, endpoint } = await pollStream('poll-ack');
      expect(endpoint).toBe(`${ISSUER}/ssf/poll/${streamId}`);
      await api.verify({ stream_id: streamId, state: 'poll-state' }).expect(204);
      const res = await api.poll(endpoint, { maxEvents: 10, returnImmediately: true }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const jtis = Object.keys(res.body.sets);
      expect(jtis).toHaveLength(1);
      expect(res.body.moreAvailable).toBe(false);
      const set = await verifySet(t, res.body.sets[jtis[0]], 'poll-ack');
      expect(set).toMatchObject({ jti: jtis[0], sub_id: { format: 'opaque', id: streamId }, events: { [VERIFICATION]: { state: 'poll-state' } } });
      expect(set).not.toHaveProperty('exp');
      expect(set).not.toHaveProperty('sub');
      // openid-ssf-transmitter-stream-verification-ack-only: acknowledge without fetching.
      expect((await api.poll(endpoint, { maxEvents: 0, returnImmediately: true, ack: jtis }).expect(200)).body).toEqual({ sets: {}, moreAvailable: false });
      expect((await outbox(streamId))[0]).toMatchObject({ id: jtis[0], status: 'delivered' });
      await new Promise((r) => setTimeout(r, 1100)); // past SSF_POLL_ACK_TIMEOUT: an acknowledged SET still does not come back
      expect((await api.poll(endpoint, { returnImmediately: true }).expect(200)).body.sets).toEqual({});
    });

    it('returns an unacknowledged SET again after SSF_POLL_ACK_TIMEOUT, with the same jti; maxEvents and moreAvailable', async () => {
      const { api, streamId, endpoint } = await pollStream('poll-redeliver');
      await api.verify({ stream_id: streamId, state: 'one' }).expect(204);
      await api.verify({ stream_id: streamId, state: 'two' }).expect(204);
      const first = await api.poll(endpoint, { maxEvents: 1, returnImmediately: true }).expect(200);
      expect(Object.keys(first.body.sets)).toHaveLength(1);
      expect(first.body.moreAvailable).toBe(true);
      const [jti] = Object.keys(first.body.sets);
      expect(decodeJwt(first.body.sets[jti]).events).toEqual({ [VERIFICATION]: { state: 'one' } });
      // While its lease runs, the first SET is not returned to another poll.
      const second = await api.poll(endpoint, { maxEvents: 10, returnImmediately: true }).expect(200);
      expect(Object.keys(second.body.sets)).not.toContain(jti);
      const again = await eventually(
        () => api.poll(endpoint, { maxEvents: 10, returnImmediately: true }).then((r) => r.body as { sets: Record<string, string> }),
        (b) => jti in b.sets,
      );
      expect(decodeJwt(again.sets[jti])).toMatchObject({ jti, events: { [VERIFICATION]: { state: 'one' } } });
      const row = (await outbox(streamId)).find((r) => r.id === jti)!;
      expect(row.attempts).toBeGreaterThanOrEqual(2);
    });

    it('openid-ssf-transmitter-stream-verification-set-errs: a SET reported in setErrs is not returned again, and the report is kept', async () => {
      const { api, streamId, endpoint } = await pollStream('poll-errs');
      await api.verify({ stream_id: streamId, state: 'x' }).expect(204);
      const [jti] = Object.keys((await api.poll(endpoint, { returnImmediately: true }).expect(200)).body.sets);
      await api.poll(endpoint, { maxEvents: 0, returnImmediately: true, setErrs: { [jti]: { err: 'invalid_state', description: 'unexpected state' } } })
        .set('Content-Language', 'en').expect(200);
      expect((await outbox(streamId))[0]).toMatchObject({ id: jti, status: 'failed', lastError: 'the receiver reported invalid_state: unexpected state' });
      await new Promise((r) => setTimeout(r, 1100));
      expect((await api.poll(endpoint, { returnImmediately: true }).expect(200)).body.sets).toEqual({});
    });

    it('openid-ssf-transmitter-stream-verification-long-poll: a waiting poll returns as soon as a SET is queued', async () => {
      const { api, streamId, endpoint } = await pollStream('poll-long');
      const waiting = api.poll(endpoint, { maxEvents: 5 }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      await api.verify({ stream_id: streamId, state: 'while-waiting' }).expect(204);
      const res = await waiting;
      expect(res.status).toBe(200);
      expect(Object.values<string>(res.body.sets).map((s) => decodeJwt(s).events)).toEqual([{ [VERIFICATION]: { state: 'while-waiting' } }]);
    });

    it('openid-ssf-transmitter-poll-endpoint-authorization: 401 without a token, 404 for another receiver\'s stream or a push stream, 400 for a bad body', async () => {
      const { endpoint } = await pollStream('poll-auth');
      await request(t.server).post(new URL(endpoint).pathname).send({ returnImmediately: true }).expect(401);
      const other = await receiver('poll-other');
      await other.api.poll(endpoint, { returnImmediately: true }).expect(404);
      const push = await pushStream('poll-on-push', '/poll-on-push');
      await push.api.poll(`${ISSUER}/ssf/poll/${push.streamId}`, { returnImmediately: true }).expect(404);
      const own = ssf(t, await ssfToken(t, { client_id: 'poll-auth', client_secret: 'poll-auth-secret' }));
      for (const body of [{ maxEvents: -1 }, { returnImmediately: 'yes' }, { ack: 'x' }, { setErrs: { a: { description: 'no err' } } }, [1]]) {
        expect((await own.poll(endpoint, body).expect(400)).body).toEqual({ err: 'invalid_request', description: expect.any(String) });
      }
    });
  });

  describe('openid-ssf-transmitter-paused-stream-holds-events', () => {
    it('holds SETs while paused (pushed only once enabled again), and drops them when disabled', async () => {
      const { api, streamId } = await pushStream('paused', '/paused');
      await api.setStatus({ stream_id: streamId, status: 'paused' }).expect(200);
      await api.verify({ stream_id: streamId, state: 'held' }).expect(204);
      const [held] = await outbox(streamId);
      // Held: due only when its retention ends (SSF_EVENT_RETENTION), not counted as an attempt.
      expect(held).toMatchObject({ status: 'pending', attempts: 0 });
      expect(held.nextAttemptAt - held.createdAt).toBe(7 * 86400 * 1000);
      const before = rx.pushes.length;
      await api.setStatus({ stream_id: streamId, status: 'enabled' }).expect(200);
      const [push] = (await rx.waitFor(before + 1)).slice(before);
      expect((await verifySet(t, push.body, 'paused')).events).toEqual({ [VERIFICATION]: { state: 'held' } });
    });

    it('openid-ssf-transmitter-disabled-stream-drops-events: a disabled stream queues nothing and drops what it held', async () => {
      const { api, streamId, endpoint } = await pollStream('disabled');
      await api.setStatus({ stream_id: streamId, status: 'paused' }).expect(200);
      await api.verify({ stream_id: streamId, state: 'held' }).expect(204);
      expect((await api.poll(endpoint, { returnImmediately: true }).expect(200)).body.sets).toEqual({});
      await api.setStatus({ stream_id: streamId, status: 'disabled' }).expect(200);
      expect(await outbox(streamId)).toEqual([expect.objectContaining({ status: 'failed', lastError: 'dropped: the stream was disabled' })]);
      await api.verify({ stream_id: streamId, state: 'dropped' }).expect(204);
      expect(await outbox(streamId)).toHaveLength(1);
      await api.setStatus({ stream_id: streamId, status: 'enabled' }).expect(200);
      expect((await api.poll(endpoint, { returnImmediately: true }).expect(200)).body.sets).toEqual({});
    });

    it('pauses a stream whose receiver was inactive past inactivity_timeout, and says so with a stream-updated event that passes the pause', async () => {
      const { api, streamId } = await pushStream('inactive', '/inactive');
      expect((await api.read(streamId).expect(200)).body.inactivity_timeout).toBe(3600);
      // The receiver was last heard of two hours ago (its management calls and polls restart the timer).
      await t.dataSource.getRepository(SsfStreamEntity).update({ id: streamId }, { lastActivityAt: Date.now() - 2 * 3600_000 });
      const before = rx.pushes.length;
      await t.app.get(StreamMaintenanceWorker).pass();
      const [push] = (await rx.waitFor(before + 1)).slice(before);
      const reason = 'No activity from the receiver for 3600 seconds (inactivity_timeout)';
      expect(await verifySet(t, push.body, 'inactive')).toMatchObject({ sub_id: { format: 'opaque', id: streamId }, events: { [STREAM_UPDATED]: { status: 'paused', reason } } });
      expect((await api.status(streamId).expect(200)).body).toEqual({ stream_id: streamId, status: 'paused', reason });
      // Only once: another pass finds the stream paused already.
      await t.app.get(StreamMaintenanceWorker).pass();
      expect((await outbox(streamId)).filter((r) => STREAM_UPDATED in (r.payload as { set: { events: object } }).set.events)).toHaveLength(1);
    });
  });

  describe('openid-ssf-transmitter-stream-caep-interop: session revoked', () => {
    /** A user signed in at `client` (password grant, scope openid): the session's id and SRI. */
    async function signIn(client: ClientFixture, uid: string, seed = true) {
      if (seed) await seedUser(t, uid, `${uid}-password`, { email: `${uid}@example.com` });
      const res = await request(t.server).post('/token').auth(client.client_id, client.client_secret).type('form')
        .send({ grant_type: 'password', username: uid, password: `${uid}-password`, scope: 'openid' }).expect(200);
      const idToken = res.body.id_token as string;
      const claims = decodeJwt(idToken);
      return { idToken, sid: claims.sid as string, sri: claims['pi.sri'] as string, sub: claims.sub as string };
    }

    it('an ended session (end session) arrives as session-revoked by push and by poll, with the profile\'s subject and reason', async () => {
      const push = await pushStream('rp-caep', '/rp-caep');
      const poll = await ssf(t, await ssfToken(t, push.client)).create({ events_requested: [SESSION_REVOKED] }).expect(201);
      const bystander = await pushStream('bystander', '/bystander');
      const session = await signIn(push.client, 'alice');
      const before = rx.pushes.length;
      await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: session.idToken })}`).expect(200);

      const [pushed] = (await rx.waitFor(before + 1)).slice(before);
      const set = await verifySet(t, pushed.body, 'rp-caep');
      expect(set).toEqual({
        iss: ISSUER, aud: 'rp-caep', iat: expect.any(Number), jti: expect.any(String), txn: expect.any(String),
        sub_id: { format: 'complex', user: { format: 'iss_sub', iss: ISSUER, sub: session.sub }, session: { format: 'opaque', id: session.sid } },
        events: {
          [SESSION_REVOKED]: {
            event_timestamp: expect.any(Number), initiating_entity: 'user',
            reason_admin: { en: 'The user signed out (OpenID Connect RP-Initiated Logout) (end_session)' },
          },
        },
      });
      expect(pushed.headers.authorization).toBe('Bearer rp-caep-push-secret');

      const polled = await push.api.poll(poll.body.delivery.endpoint_url, { returnImmediately: true }).expect(200);
      const [pollSet] = await Promise.all(Object.values<string>(polled.body.sets).map((s) => verifySet(t, s, 'rp-caep')));
      // The same ending: the same txn on both streams, each SET its own jti.
      expect(pollSet).toMatchObject({ txn: set.txn, sub_id: set.sub_id, events: set.events });
      expect(pollSet.jti).not.toBe(set.jti);
      // A receiver whose client did not take part in the session hears nothing of it.
      expect(await outbox(bystander.streamId)).toEqual([]);
    });

    it('a session revoked with the PingFederate Session Management API arrives too (initiating_entity admin), except on a stream that removed the user', async () => {
      const push = await pushStream('rp-pf', '/rp-pf');
      const quiet = (await push.api.create({ delivery: { method: PUSH, endpoint_url: rx.url('/rp-pf-quiet') }, events_requested: [SESSION_REVOKED] }).expect(201)).body.stream_id as string;
      const session = await signIn(push.client, 'bob');
      // Removed by email: the transmitter knows the user by that address too.
      await push.api.removeSubject({ stream_id: quiet, subject: { format: 'email', email: 'bob@example.com' } }).expect(204);
      const before = rx.pushes.length;
      await request(t.server).post(`${SESSIONS}/${encodeURIComponent(session.sri)}/revoke`).auth(SEED_CLIENT.client_id, SEED_CLIENT.client_secret)
        .set('X-XSRF-HEADER', 'PingFederate').expect(200);
      const [pushed] = (await rx.waitFor(before + 1)).slice(before);
      const set = await verifySet(t, pushed.body, 'rp-pf');
      expect(set.events).toEqual({ [SESSION_REVOKED]: expect.objectContaining({ initiating_entity: 'admin', reason_admin: { en: expect.stringMatching(/\(session_revocation_api\)$/) } }) });
      expect((set.sub_id as { session: unknown }).session).toEqual({ format: 'opaque', id: session.sid });
      expect(await outbox(quiet)).toEqual([]);
      // Added back, the user's next ended session reaches the stream again.
      await push.api.addSubject({ stream_id: quiet, subject: { format: 'email', email: 'bob@example.com' } }).expect(200);
      const next = await signIn(push.client, 'bob', false);
      await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: next.idToken })}`).expect(200);
      await eventually(() => outbox(quiet), (rows) => rows.length === 1 && rows[0].status === 'delivered');
    });
  });
});
