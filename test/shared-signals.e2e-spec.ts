import request from 'supertest';
import { SsfRemovedSubjectEntity, SsfStreamEntity } from '@app/store';
import { ClientFixture } from './support/fixtures';
import { seedReceiver, ssf, ssfToken } from './support/ssf';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The Shared Signals transmitter's configuration and stream management API (SSF 1.0 §7, §8.1),
 * named after the OpenID Foundation's SSF transmitter test plan modules where they correspond.
 */
const ISSUER = 'http://localhost:8080';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const EVENTS_SUPPORTED = [SESSION_REVOKED, 'https://schemas.openid.net/secevent/caep/event-type/credential-change', 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change'];
const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';

describe('Shared Signals transmitter: configuration and stream management', () => {
  let t: TestApp;
  let receiverUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ ssf: { maxStreamsPerReceiver: 3, minVerificationInterval: 30 } });
    receiverUrl = 'http://127.0.0.1:9/events';
  });
  afterAll(async () => {
    await t.close();
  });

  /** A receiver of its own per test, with a manage token. */
  async function receiver(id: string, scopes?: string[]): Promise<{ client: ClientFixture; api: ReturnType<typeof ssf> }> {
    const client = await seedReceiver(t, id, scopes);
    return { client, api: ssf(t, await ssfToken(t, client, (scopes ?? ['ssf.manage']).join(' '))) };
  }

  describe('openid-ssf-transmitter-metadata', () => {
    it('publishes the transmitter configuration the CAEP interoperability profile requires, without authentication', async () => {
      const res = await request(t.server).get('/.well-known/ssf-configuration').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        spec_version: '1_0',
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/jwks`,
        delivery_methods_supported: [PUSH, POLL],
        configuration_endpoint: `${ISSUER}/ssf/stream`,
        status_endpoint: `${ISSUER}/ssf/status`,
        add_subject_endpoint: `${ISSUER}/ssf/subjects/add`,
        remove_subject_endpoint: `${ISSUER}/ssf/subjects/remove`,
        verification_endpoint: `${ISSUER}/ssf/verify`,
        authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
        default_subjects: 'ALL',
      });
    });

    it('has no path form when the issuer has no path, and lists the SSF scopes in discovery', async () => {
      await request(t.server).get('/.well-known/ssf-configuration/tenant1').expect(404);
      const discovery = await request(t.server).get('/.well-known/openid-configuration').expect(200);
      expect(discovery.body.scopes_supported).toEqual(expect.arrayContaining(['ssf.manage', 'ssf.read']));
    });
  });

  describe('openid-ssf-stream-control-happy-path', () => {
    it('creates a push stream (201), reads it, updates, replaces and deletes it (204, then 404)', async () => {
      const { api } = await receiver('happy');
      const created = await api.create({
        delivery: { method: PUSH, endpoint_url: receiverUrl, authorization_header: 'Bearer receiver-secret' },
        events_requested: [SESSION_REVOKED, 'urn:example:unknown'], description: 'Stream for the happy path',
      }).expect(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const id = created.body.stream_id as string;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(created.body).toEqual({
        stream_id: id, iss: ISSUER, aud: 'happy',
        delivery: { method: PUSH, endpoint_url: receiverUrl, authorization_header: 'Bearer receiver-secret' },
        events_supported: EVENTS_SUPPORTED, events_requested: [SESSION_REVOKED, 'urn:example:unknown'], events_delivered: [SESSION_REVOKED],
        min_verification_interval: 30, description: 'Stream for the happy path',
      });
      const row = await t.dataSource.getRepository(SsfStreamEntity).findOneByOrFail({ id });
      expect(row).toMatchObject({ clientId: 'happy', status: 'enabled', deliveryMethod: PUSH, endpointUrl: receiverUrl });

      expect((await api.read(id).expect(200)).body).toEqual(created.body);
      expect((await api.read().expect(200)).body).toEqual([created.body]);

      const patched = await api.update({ stream_id: id, description: 'Renamed', iss: ISSUER, aud: 'happy', events_delivered: [SESSION_REVOKED] }).expect(200);
      expect(patched.body).toEqual({ ...created.body, description: 'Renamed' });

      const replaced = await api.replace({ stream_id: id, events_requested: [SESSION_REVOKED] }).expect(200);
      // Receiver-Supplied properties left out of a PUT are deleted: no description, and no delivery means poll.
      expect(replaced.body).toEqual({
        stream_id: id, iss: ISSUER, aud: 'happy', delivery: { method: POLL, endpoint_url: `${ISSUER}/ssf/poll/${id}` },
        events_supported: EVENTS_SUPPORTED, events_requested: [SESSION_REVOKED], events_delivered: [SESSION_REVOKED], min_verification_interval: 30,
      });

      const deleted = await api.delete(id).expect(204);
      expect(deleted.text).toBe('');
      await api.read(id).expect(404);
      await api.delete(id).expect(404);
      expect((await api.read().expect(200)).body).toEqual([]);
      expect(await t.dataSource.getRepository(SsfStreamEntity).findOneBy({ id })).toBeNull();
    });

    it('creates a poll stream when the request has no delivery, with a transmitter-supplied endpoint_url unique to the stream', async () => {
      const { api } = await receiver('poller');
      const a = (await api.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body;
      const b = (await api.create({}).expect(201)).body;
      expect(a.delivery).toEqual({ method: POLL, endpoint_url: `${ISSUER}/ssf/poll/${a.stream_id}` });
      expect(b.delivery.endpoint_url).not.toBe(a.delivery.endpoint_url);
      // Nothing requested, nothing delivered (events_delivered ⊆ supported ∩ requested).
      expect(b.events_delivered).toEqual([]);
      expect(b).not.toHaveProperty('events_requested');
      // The poll endpoint_url may be given back in an update, unchanged.
      await api.update({ stream_id: a.stream_id, delivery: a.delivery }).expect(200);
      await api.update({ stream_id: a.stream_id, delivery: { method: POLL, endpoint_url: 'https://elsewhere.example/poll' } }).expect(400);
    });

    it('reads and changes the status: enabled, paused, disabled, with a reason', async () => {
      const { api } = await receiver('statuses');
      const id = (await api.create({}).expect(201)).body.stream_id as string;
      expect((await api.status(id).expect(200)).body).toEqual({ stream_id: id, status: 'enabled' });
      const paused = await api.setStatus({ stream_id: id, status: 'paused', reason: 'Maintenance window' }).expect(200);
      expect(paused.body).toEqual({ stream_id: id, status: 'paused', reason: 'Maintenance window' });
      expect((await api.status(id).expect(200)).body).toEqual({ stream_id: id, status: 'paused', reason: 'Maintenance window' });
      await api.setStatus({ stream_id: id, status: 'disabled' }).expect(200);
      expect((await api.status(id).expect(200)).body).toEqual({ stream_id: id, status: 'disabled' });
      await api.setStatus({ stream_id: id, status: 'enabled' }).expect(200);
      expect((await t.dataSource.getRepository(SsfStreamEntity).findOneByOrFail({ id })).status).toBe('enabled');
    });
  });

  describe('openid-ssf-stream-control-error-response', () => {
    it('create-stream-with-invalid-token / read-stream-without-access-token: 401 with a Bearer challenge', async () => {
      const invalid = await request(t.server).post('/ssf/stream').set('Authorization', 'Bearer not-a-token').send({}).expect(401);
      expect(invalid.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
      expect(invalid.body.error).toBe('invalid_token');
      await request(t.server).get('/ssf/stream').expect(401);
      await request(t.server).get('/ssf/status?stream_id=x').expect(401);
      await request(t.server).post('/ssf/verify').send({ stream_id: 'x' }).expect(401);
    });

    it('read-stream-with-token-in-uri-query: a token in the query is not accepted (RFC 6750 §2.3)', async () => {
      const client = await seedReceiver(t, 'query-token');
      const token = await ssfToken(t, client, 'ssf.read');
      await request(t.server).get(`/ssf/stream?access_token=${token}`).expect(401);
    });

    it('create-stream-with-read-only-token: ssf.read reads but changes nothing (403 insufficient_scope)', async () => {
      const client = await seedReceiver(t, 'reader');
      const read = ssf(t, await ssfToken(t, client, 'ssf.read'));
      const denied = await read.create({}).expect(403);
      expect(denied.body.error).toBe('insufficient_scope');
      expect(denied.headers['www-authenticate']).toContain('scope="ssf.manage"');
      expect((await read.read().expect(200)).body).toEqual([]);
      // A token without either SSF scope reads nothing either.
      const other = await seedReceiver(t, 'no-ssf', ['profile']);
      const none = ssf(t, await ssfToken(t, other, 'profile'));
      expect((await none.read().expect(403)).body.error).toBe('insufficient_scope');
    });

    it('create-stream-with-broken-input: 400 for a body or delivery the transmitter cannot use', async () => {
      const { api } = await receiver('broken');
      for (const body of [
        [1, 2],
        { delivery: 'push' },
        { delivery: { method: 'urn:example:carrier-pigeon' } },
        { delivery: { method: PUSH } },
        { delivery: { method: PUSH, endpoint_url: 'not a url' } },
        { delivery: { method: PUSH, endpoint_url: 'http://10.1.2.3/events' } },
        { delivery: { method: PUSH, endpoint_url: receiverUrl, authorization_header: 'Bearer x\r\nX-Injected: 1' } },
        { events_requested: SESSION_REVOKED },
        { description: 42 },
      ]) {
        const res = await api.create(body).expect(400);
        expect(res.body.error).toBe('invalid_request');
      }
      // The outbound URL policy names why an endpoint is refused.
      expect((await api.create({ delivery: { method: PUSH, endpoint_url: 'http://10.1.2.3/events' } })).body.error_description).toMatch(/^delivery\.endpoint_url must not point at a private address/);
      const token = await ssfToken(t, { client_id: 'broken', client_secret: 'broken-secret' });
      await request(t.server).post('/ssf/stream').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/plain').send('{}').expect(415);
      expect((await api.read().expect(200)).body).toEqual([]);
    });

    it('create-stream-with-duplicate-config: 409 past the streams one receiver may have', async () => {
      const { api } = await receiver('greedy');
      for (let i = 0; i < 3; i++) await api.create({}).expect(201);
      expect((await api.create({}).expect(409)).body.error).toBe('conflict');
    });

    it('read/update/replace/delete-unknown-stream: 404, and another receiver\'s stream is unknown too', async () => {
      const mine = await receiver('owner');
      const theirs = await receiver('intruder');
      const id = (await mine.api.create({}).expect(201)).body.stream_id as string;
      for (const api of [mine.api, theirs.api]) {
        const unknown = api === mine.api ? 'f'.repeat(32) : id;
        await api.read(unknown).expect(404);
        await api.update({ stream_id: unknown, description: 'x' }).expect(404);
        await api.replace({ stream_id: unknown }).expect(404);
        await api.delete(unknown).expect(404);
        await api.status(unknown).expect(404);
        await api.setStatus({ stream_id: unknown, status: 'paused' }).expect(404);
        await api.addSubject({ stream_id: unknown, subject: { format: 'email', email: 'a@example.com' } }).expect(404);
        await api.removeSubject({ stream_id: unknown, subject: { format: 'email', email: 'a@example.com' } }).expect(404);
        await api.verify({ stream_id: unknown }).expect(404);
      }
      expect((await theirs.api.read().expect(200)).body).toEqual([]);
      expect((await mine.api.status(id).expect(200)).body.status).toBe('enabled');
    });

    it('update/replace-stream-with-invalid-body: 400 without stream_id, or with a Transmitter-Supplied property that does not match', async () => {
      const { api } = await receiver('strict');
      const id = (await api.create({ events_requested: [SESSION_REVOKED] }).expect(201)).body.stream_id as string;
      await api.update({ description: 'no id' }).expect(400);
      await api.replace({}).expect(400);
      for (const wrong of [{ iss: 'https://other.example' }, { aud: 'someone-else' }, { events_delivered: [] }, { events_supported: ['urn:x'] }, { min_verification_interval: 1 }]) {
        const res = await api.update({ stream_id: id, description: 'changed', ...wrong }).expect(400);
        expect(res.body.error_description).toMatch(/does not match/);
      }
      expect((await api.read(id).expect(200)).body).not.toHaveProperty('description');
      await api.setStatus({ stream_id: id, status: 'sleeping' }).expect(400);
      await api.setStatus({ stream_id: id }).expect(400);
      await request(t.server).get('/ssf/status').set('Authorization', `Bearer ${await ssfToken(t, { client_id: 'strict', client_secret: 'strict-secret' })}`).expect(400);
    });
  });

  describe('openid-ssf-stream-subject-control-happy-path', () => {
    it('removes a subject (204) and adds it back (200): the store keeps only removals', async () => {
      const { api } = await receiver('subjects');
      const id = (await api.create({}).expect(201)).body.stream_id as string;
      const subjects = [
        { format: 'email', email: 'jane@example.com' },
        { format: 'iss_sub', iss: ISSUER, sub: 'user-1' },
        { format: 'opaque', id: 'tenant-7' },
        { format: 'complex', user: { format: 'email', email: 'jane@example.com' }, session: { format: 'opaque', id: 'sid-1' } },
      ];
      for (const subject of subjects) expect((await api.removeSubject({ stream_id: id, subject }).expect(204)).text).toBe('');
      const removed = () => t.dataSource.getRepository(SsfRemovedSubjectEntity).find({ where: { streamId: id } });
      expect((await removed()).map((r) => r.subject)).toEqual(expect.arrayContaining(subjects));
      // Removing twice changes nothing; members in another order are the same subject.
      await api.removeSubject({ stream_id: id, subject: { sub: 'user-1', iss: ISSUER, format: 'iss_sub' } }).expect(204);
      expect(await removed()).toHaveLength(4);
      const added = await api.addSubject({ stream_id: id, subject: subjects[0], verified: true }).expect(200);
      expect(added.text).toBe('');
      expect((await removed()).map((r) => r.subject)).not.toContainEqual(subjects[0]);
      // An unknown subject is added all the same (no subject probing).
      await api.addSubject({ stream_id: id, subject: { format: 'email', email: 'nobody@example.com' } }).expect(200);
    });

    it('refuses subjects of other formats, malformed ones, and the stream\'s own subject (400)', async () => {
      const { api } = await receiver('subject-errors');
      const id = (await api.create({}).expect(201)).body.stream_id as string;
      for (const subject of [
        undefined, 'jane@example.com', { format: 'phone_number', phone_number: '+12065550100' }, { format: 'email', email: 'no-at-sign' },
        { format: 'iss_sub', iss: ISSUER }, { format: 'email', email: 'a@example.com', extra: 1 }, { format: 'complex' },
        { format: 'complex', spaceship: { format: 'opaque', id: 'x' } }, { format: 'complex', user: { format: 'complex', user: { format: 'opaque', id: 'x' } } },
      ]) {
        await api.removeSubject({ stream_id: id, subject }).expect(400);
        await api.addSubject({ stream_id: id, subject }).expect(400);
      }
      await api.addSubject({ stream_id: id, subject: { format: 'opaque', id: 'x' }, verified: 'yes' }).expect(400);
      await api.removeSubject({ stream_id: id, subject: { format: 'opaque', id } }).expect(400);
    });
  });

  describe('openid-ssf-transmitter-stream-verification (requests)', () => {
    it('answers 204, then 429 with Retry-After within min_verification_interval; 400 for a bad state', async () => {
      const { api } = await receiver('verifier');
      const id = (await api.create({}).expect(201)).body.stream_id as string;
      await api.verify({ stream_id: id, state: 42 }).expect(400);
      await api.verify({}).expect(400);
      expect((await api.verify({ stream_id: id, state: 'abc' }).expect(204)).text).toBe('');
      const again = await api.verify({ stream_id: id, state: 'def' }).expect(429);
      expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(30);
    });
  });
});

describe('Shared Signals transmitter under an issuer with a path', () => {
  it('serves the configuration at /.well-known/ssf-configuration/{path} too, naming that issuer', async () => {
    const t = await startTestApp({ http: { issuer: 'http://localhost:8080/tenant1' } });
    try {
      const res = await request(t.server).get('/.well-known/ssf-configuration/tenant1').expect(200);
      expect(res.body).toMatchObject({ issuer: 'http://localhost:8080/tenant1', configuration_endpoint: 'http://localhost:8080/tenant1/ssf/stream' });
      await request(t.server).get('/.well-known/ssf-configuration/tenant2').expect(404);
    } finally {
      await t.close();
    }
  });
});
