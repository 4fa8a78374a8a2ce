import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { runCli } from '../apps/cli/src/cli';
import { CaepReceiverStreams1766000000000 } from '@app/store/migrations/1766000000000-caep-receiver-streams';
import { NotificationOutboxEntity, SsfStreamEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import { eventually, PushReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A client's `caep_receiver_uri` is the shortcut of one push stream of that client: the admin
 * API, the CLI and the migration that turned the old CAEP pushes into streams.
 */
const ISSUER = 'http://localhost:8080';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };

jest.setTimeout(90_000);

describe('Shared Signals: caep_receiver_uri is a stream', () => {
  let t: TestApp;
  let rx: PushReceiver;
  let adminToken: string;

  const admin = () => ({
    post: (path: string, body: object) => request(t.server).post(path).set('Authorization', `Bearer ${adminToken}`).send(body),
    patch: (path: string, body: object) => request(t.server).patch(path).set('Authorization', `Bearer ${adminToken}`).send(body),
    delete: (path: string) => request(t.server).delete(path).set('Authorization', `Bearer ${adminToken}`),
  });
  const shortcuts = (clientId: string) => t.dataSource.getRepository(SsfStreamEntity).findBy({ clientId, caepShortcut: true });
  const rowsOf = (streamId: string) => t.dataSource.getRepository(NotificationOutboxEntity).findBy({ streamId });

  beforeAll(async () => {
    rx = await PushReceiver.start();
    t = await startTestApp({ notifications: { pollIntervalMs: 100, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5 } });
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
  });
  afterAll(async () => {
    await t.close();
    await rx.close();
  });

  it('setting it creates the client\'s push stream for session-revoked, which the client sees through the SSF API', async () => {
    await admin().post('/admin/clients', {
      client_id: 'caep-rp', client_secret: 'caep-rp-secret-123', grant_types: ['client_credentials'], scopes: ['ssf.read'], caep_receiver_uri: rx.url('/caep-rp'),
    }).expect(201);
    const [stream] = await shortcuts('caep-rp');
    expect(stream).toMatchObject({ deliveryMethod: 'urn:ietf:rfc:8935', endpointUrl: rx.url('/caep-rp'), eventsRequested: [SESSION_REVOKED], status: 'enabled', description: 'caep_receiver_uri' });
    const token = await ssfToken(t, { client_id: 'caep-rp', client_secret: 'caep-rp-secret-123' }, 'ssf.read');
    const listed = (await ssf(t, token).read().expect(200)).body;
    expect(listed).toEqual([expect.objectContaining({ stream_id: stream.id, aud: 'caep-rp', delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: rx.url('/caep-rp') }, events_delivered: [SESSION_REVOKED] })]);
  });

  it('changing it moves the stream; clearing it deletes the stream', async () => {
    const [before] = await shortcuts('caep-rp');
    await admin().patch('/admin/clients/caep-rp', { caep_receiver_uri: rx.url('/caep-rp-moved') }).expect(200);
    const [moved] = await shortcuts('caep-rp');
    expect(moved).toMatchObject({ id: before.id, endpointUrl: rx.url('/caep-rp-moved') });

    await admin().patch('/admin/clients/caep-rp', { caep_receiver_uri: null }).expect(200);
    expect(await shortcuts('caep-rp')).toEqual([]);
  });

  it('deleting the client deletes its stream (admin API and CLI)', async () => {
    await admin().post('/admin/clients', { client_id: 'caep-gone', client_secret: 'caep-gone-secret-1', grant_types: ['client_credentials'], caep_receiver_uri: rx.url('/gone') }).expect(201);
    expect(await shortcuts('caep-gone')).toHaveLength(1);
    await admin().delete('/admin/clients/caep-gone').expect(204);
    expect(await shortcuts('caep-gone')).toEqual([]);

    await admin().post('/admin/clients', { client_id: 'caep-cli', client_secret: 'caep-cli-secret-1', grant_types: ['client_credentials'], caep_receiver_uri: rx.url('/cli') }).expect(201);
    let out = '';
    const code = await runCli(['clients', 'delete', 'caep-cli'], { stdout: (x) => { out += x; }, stderr: (x) => { out += x; }, stdin: async () => '' }, { config: t.config });
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(await shortcuts('caep-cli')).toEqual([]);
  });

  it('the migration turns a client\'s caep_receiver_uri and its waiting CAEP pushes into a stream that delivers them as SETs', async () => {
    const migration = new CaepReceiverStreams1766000000000();
    const runner = t.dataSource.createQueryRunner();
    const pg = t.dataSource.options.type === 'postgres';
    const sid = randomUUID();
    try {
      // The store as it was: a client with a caep_receiver_uri (its stream undone) and a CAEP push still pending.
      await seedClient(t, { client_id: 'legacy-rp', client_secret: 'legacy-rp-secret', caep_receiver_uri: rx.url('/legacy') });
      await migration.down(runner);
      const now = Date.now();
      await runner.query(
        `INSERT INTO notification_outbox (id, kind, client_id, target_url, payload, status, attempts, next_attempt_at, created_at)
         VALUES (${pg ? '$1, $2, $3, $4, $5, $6, $7, $8, $9' : '?, ?, ?, ?, ?, ?, ?, ?, ?'})`,
        [randomUUID(), 'caep_session_revoked', 'legacy-rp', rx.url('/legacy'), JSON.stringify({ sub: 'user-1', sid, event_timestamp: Math.floor(now / 1000), initiating_entity: 'admin', reason: 'user_deleted' }), 'pending', 0, now + 3_600_000, now],
      );
    } finally {
      await migration.up(runner).finally(() => runner.release());
    }
    const [stream] = await shortcuts('legacy-rp');
    expect(stream).toMatchObject({ endpointUrl: rx.url('/legacy'), eventsRequested: [SESSION_REVOKED] });
    const [row] = await rowsOf(stream.id);
    expect(row).toMatchObject({ kind: 'ssf_push', status: 'pending' });

    await t.dataSource.getRepository(NotificationOutboxEntity).update({ id: row.id }, { nextAttemptAt: Date.now() });
    // No session ended in this file before: the receiver's only push is this one.
    const [push] = await rx.waitFor(1);
    expect(push.headers['content-type']).toBe('application/secevent+jwt');
    const set = await verifySet(t, push.body, 'legacy-rp');
    expect(set).toEqual({
      iss: ISSUER, aud: 'legacy-rp', iat: expect.any(Number), jti: row.id, txn: row.id,
      sub_id: { format: 'complex', user: { format: 'iss_sub', iss: ISSUER, sub: 'user-1' }, session: { format: 'opaque', id: sid } },
      events: { [SESSION_REVOKED]: { event_timestamp: expect.any(Number), initiating_entity: 'admin', reason_admin: { en: 'The user was deleted (user_deleted)' } } },
    });
    expect((await eventually(() => rowsOf(stream.id), (rows) => rows[0]?.status === 'delivered'))[0].kind).toBe('ssf_push');
  });
});
