import request from 'supertest';
import { runCli } from '../apps/cli/src/cli';
import { NotificationOutboxEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import { eventually, PushReceiver, seedReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, TestApp } from './support/test-app';

/** Stream administration: /admin/ssf/streams and the CLI's `streams`. */
const PUSH = 'urn:ietf:rfc:8935';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const STREAM_UPDATED = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';
const VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };

jest.setTimeout(90_000);

describe('Shared Signals: stream administration', () => {
  let t: TestApp;
  let rx: PushReceiver;
  let adminToken: string;
  let receiver: ReturnType<typeof ssf>;
  let streamId: string;

  const asAdmin = (r: request.Test) => r.set('Authorization', `Bearer ${adminToken}`);
  const show = async () => (await asAdmin(request(t.server).get(`/admin/ssf/streams/${streamId}`)).expect(200)).body;
  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, { stdout: (x) => { out += x; }, stderr: (x) => { out += x; }, stdin: async () => '' }, { config: t.config });
    return { code, out };
  };

  beforeAll(async () => {
    rx = await PushReceiver.start();
    t = await startTestApp({
      notifications: { pollIntervalMs: 100, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5 },
      ssf: { minVerificationInterval: 0 },
    });
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    const client = await seedReceiver(t, 'rx1');
    receiver = ssf(t, await ssfToken(t, client));
    streamId = (await receiver.create({ delivery: { method: PUSH, endpoint_url: rx.url('/rx1') }, events_requested: [SESSION_REVOKED] }).expect(201)).body.stream_id;
  });
  afterAll(async () => {
    await t.close();
    await rx.close();
  });

  it('only an admin token reaches it; an unknown stream is 404', async () => {
    await request(t.server).get('/admin/ssf/streams').expect(401);
    const rxToken = await ssfToken(t, { client_id: 'rx1', client_secret: 'rx1-secret' });
    await request(t.server).get('/admin/ssf/streams').set('Authorization', `Bearer ${rxToken}`).expect(403);
    await asAdmin(request(t.server).get('/admin/ssf/streams/nope')).expect(404);
    await asAdmin(request(t.server).post('/admin/ssf/streams/nope/pause')).expect(404);
    await asAdmin(request(t.server).get('/admin/ssf/streams?unknown=1')).expect(400);
  });

  it('lists streams with their failed deliveries and last error, and replays them', async () => {
    rx.answer = () => ({ status: 400, body: { err: 'invalid_request', description: 'not today' } });
    await receiver.verify({ stream_id: streamId, state: 'one' }).expect(204);
    const failed = await eventually(show, (s) => s.failed === 1);
    expect(failed).toMatchObject({ stream_id: streamId, client_id: 'rx1', delivery_method: PUSH, endpoint_url: rx.url('/rx1'), status: 'enabled', pending: 0, failed: 1, caep_receiver_uri_shortcut: false });
    expect(failed.last_error).toContain('not today');
    const listed = (await asAdmin(request(t.server).get('/admin/ssf/streams?client_id=rx1')).expect(200)).body;
    expect(listed.map((s: { stream_id: string }) => s.stream_id)).toEqual([streamId]);
    expect((await asAdmin(request(t.server).get('/admin/ssf/streams?client_id=nobody')).expect(200)).body).toEqual([]);

    rx.answer = () => ({ status: 202 });
    const before = rx.pushes.length;
    expect((await asAdmin(request(t.server).post(`/admin/ssf/streams/${streamId}/replay`)).expect(200)).body).toEqual({ replayed: 1 });
    const [again] = (await rx.waitFor(before + 1)).slice(before);
    expect((await verifySet(t, again.body, 'rx1')).events).toEqual({ [VERIFICATION]: { state: 'one' } });
    await eventually(show, (s) => s.failed === 0 && s.pending === 0);
  });

  it('pause holds the stream\'s SETs and tells the receiver; resume delivers them (admin API and CLI)', async () => {
    const before = rx.pushes.length;
    const paused = (await asAdmin(request(t.server).post(`/admin/ssf/streams/${streamId}/pause`)).expect(200)).body;
    expect(paused).toMatchObject({ status: 'paused', status_reason: 'Paused by the transmitter\'s administrator' });
    const [told] = (await rx.waitFor(before + 1)).slice(before);
    expect((await verifySet(t, told.body, 'rx1')).events).toEqual({ [STREAM_UPDATED]: { status: 'paused', reason: 'Paused by the transmitter\'s administrator' } });
    expect((await receiver.status(streamId).expect(200)).body).toMatchObject({ status: 'paused' });

    await receiver.verify({ stream_id: streamId, state: 'held' }).expect(204);
    expect(await eventually(show, (s) => s.pending === 1)).toMatchObject({ status: 'paused', pending: 1 });

    const resumed = await cli('streams', 'resume', streamId);
    expect(resumed).toEqual({ code: 0, out: `Stream ${streamId} is enabled.\n` });
    const pushes = await eventually(async () => rx.pushes.slice(before + 1), (ps) => ps.length >= 2);
    const events = await Promise.all(pushes.map(async (p) => (await verifySet(t, p.body, 'rx1')).events));
    expect(events).toEqual(expect.arrayContaining([{ [VERIFICATION]: { state: 'held' } }, { [STREAM_UPDATED]: { status: 'enabled', reason: 'Resumed by the transmitter\'s administrator' } }]));
    expect(await eventually(show, (s) => s.pending === 0)).toMatchObject({ status: 'enabled' });

    const listed = await cli('streams', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ stream_id: streamId, status: 'enabled' })]);
  });

  it('delete removes the stream and drops what it held (admin API; CLI)', async () => {
    await asAdmin(request(t.server).post(`/admin/ssf/streams/${streamId}/pause`)).expect(200);
    await receiver.verify({ stream_id: streamId, state: 'dropped' }).expect(204);
    await asAdmin(request(t.server).delete(`/admin/ssf/streams/${streamId}`)).expect(204);
    await asAdmin(request(t.server).get(`/admin/ssf/streams/${streamId}`)).expect(404);
    await receiver.read(streamId).expect(404);
    const rows = await t.dataSource.getRepository(NotificationOutboxEntity).findBy({ streamId });
    expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
    expect(rows.find((r) => r.lastError?.includes('deleted by an administrator'))).toBeDefined();

    const other = (await receiver.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body.stream_id as string;
    expect(await cli('streams', 'delete', other)).toEqual({ code: 0, out: `Deleted stream ${other}.\n` });
    await receiver.read(other).expect(404);
    expect((await cli('streams', 'delete', other)).code).toBe(1);
  });
});
