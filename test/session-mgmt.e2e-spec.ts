import { INDEX_STALE_MS, RevocationFeedFollower } from '@app/auth';
import request from 'supertest';
import { FeatureFlagService } from '@app/feature-flag';
import { RevokedSriEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import {
  listEntry, NOT_REVOKED, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, SESSIONS, USERS,
} from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

/**
 * PingFederate's Session Revocation API, driven by the seed's samples verbatim
 * (../shared/seeds/pingfederate-session-revocation-api.txt) and each return code it lists.
 */
describe('Session Revocation API: /pf-ws/rest/sessionMgmt/revokedSris', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, SEED_CLIENT);
    await seedClient(t, { client_id: 'no-permission', client_secret: 'np-secret' });
    await seedClient(t, { client_id: 'mgmt-only', client_secret: 'mgmt-secret', session_management_api: true });
    await seedClient(t, { client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', session_revocation_api: true });
  });
  afterAll(async () => { await t.close(); });

  const expectPingFederateError = (res: request.Response, status: number, resultId: string | RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['message', 'resultId']);
    expect(res.body.resultId).toEqual(typeof resultId === 'string' ? resultId : expect.stringMatching(resultId));
    expect(typeof res.body.message).toBe('string');
  };

  describe('the seed\'s samples, verbatim', () => {
    it('POST {"id":"abc123"} adds the session to the revocation list: 201', async () => {
      const res = await request(t.server)
        .post('/pf-ws/rest/sessionMgmt/revokedSris')
        .set('Host', 'localhost:9031')
        .set('Authorization', SEED_AUTHORIZATION)
        .set('X-XSRF-HEADER', 'PingFederate')
        .set('Content-Type', 'application/json')
        .send('{"id":"abc123"}');
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/pf-ws/rest/sessionMgmt/revokedSris/abc123');
      const entry = await listEntry(t, 'abc123');
      expect(entry).toMatchObject({ sri: 'abc123', revokedBy: 'ac_oic_client' });
      // PingFederate's default lifetime: 490 minutes.
      expect(entry!.expiresAt - entry!.createdAt).toBe(490 * 60_000);
      expect(Math.abs(entry!.createdAt - Date.now())).toBeLessThan(10_000);
    });

    it('GET /revokedSris/abc123 answers 200 {"id":"abc123"}', async () => {
      const res = await request(t.server)
        .get('/pf-ws/rest/sessionMgmt/revokedSris/abc123')
        .set('Host', 'localhost:9031')
        .set('Authorization', SEED_AUTHORIZATION)
        .set('X-XSRF-HEADER', 'PingFederate');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'abc123' });
      expect(res.text).toBe('{"id":"abc123"}');
    });

    it('GET /revokedSris/abc123?updateActivityTime=false answers 200 {"id":"abc123"}', async () => {
      const res = await request(t.server)
        .get('/pf-ws/rest/sessionMgmt/revokedSris/abc123?updateActivityTime=false')
        .set('Host', 'localhost:9031')
        .set('Authorization', SEED_AUTHORIZATION)
        .set('X-XSRF-HEADER', 'PingFederate');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'abc123' });
    });
  });

  describe('return codes', () => {
    const get = (sri: string) => request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
    const post = (body: string, contentType = 'application/json') =>
      request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', contentType).send(body);

    it('404 with exactly the seed\'s body when the SRI is not listed', async () => {
      const res = await get('never-listed');
      expect(res.status).toBe(404);
      expect(res.text).toBe('{"resultId":"session_mgmt_sri_not_revoked","message":"The SRI has not been revoked."}');
      expect(res.body).toEqual(NOT_REVOKED);
      // The same headers as every other error of the API (this answer is not thrown through the filter).
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('201 for an id this server never issued, and again (idempotent) for one already listed', async () => {
      expect((await post('{"id":"qzTEiEroxdzAufjYKQawm72lcBE..4RbA"}')).status).toBe(201);
      expect((await post('{"id":"qzTEiEroxdzAufjYKQawm72lcBE..4RbA","ignored":true}')).status).toBe(201);
      expect((await get('qzTEiEroxdzAufjYKQawm72lcBE..4RbA')).body).toEqual({ id: 'qzTEiEroxdzAufjYKQawm72lcBE..4RbA' });
      expect(await t.dataSource.getRepository(RevokedSriEntity).countBy({ sri: 'qzTEiEroxdzAufjYKQawm72lcBE..4RbA' })).toBe(1);
    });

    it('400 without the X-XSRF-HEADER header, or with an empty one, on POST and GET (checked before anything else)', async () => {
      const noHeaderPost = await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('Content-Type', 'application/json').send('{"id":"x1"}');
      expectPingFederateError(noHeaderPost, 400, 'session_mgmt_xsrf_header_missing');
      expect(noHeaderPost.body.message).toMatch(/X-XSRF-HEADER/);
      const noHeaderGet = await request(t.server).get(`${REVOKED_SRIS}/abc123`).set('Authorization', SEED_AUTHORIZATION);
      expectPingFederateError(noHeaderGet, 400, 'session_mgmt_xsrf_header_missing');
      const empty = await request(t.server).get(`${REVOKED_SRIS}/abc123`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', '');
      expectPingFederateError(empty, 400, 'session_mgmt_xsrf_header_missing');
      // Before client authentication and before the media type.
      const nothing = await request(t.server).post(REVOKED_SRIS).type('form').send({ id: 'x1' });
      expectPingFederateError(nothing, 400, 'session_mgmt_xsrf_header_missing');
      expect(await listEntry(t, 'x1')).toBeNull();
    });

    it('415 when the Content-Type is not application/json, whoever refuses it (Fastify or the guard); a charset parameter is fine', async () => {
      const text = await post('{"id":"x2"}', 'text/plain');
      expectPingFederateError(text, 415, /unsupported_media_type/);
      const form = await post('id=x2', 'application/x-www-form-urlencoded');
      expectPingFederateError(form, 415, 'session_mgmt_unsupported_media_type');
      const none = await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expectPingFederateError(none, 415, 'session_mgmt_unsupported_media_type');
      expect(await listEntry(t, 'x2')).toBeNull();
      const charset = await post('{"id":"x3"}', 'application/json; charset=utf-8');
      expect(charset.status).toBe(201);
    });

    it('401 with a JSON body: no credentials; one message for an unknown client, a bad secret and a method not allowed for the client', async () => {
      const cases: [string | undefined, string][] = [
        [undefined, 'Client authentication is required.'],
        ['Basic ' + Buffer.from('nobody:whatever').toString('base64'), 'Client authentication failed.'],
        ['Basic ' + Buffer.from('ac_oic_client:wrong').toString('base64'), 'Client authentication failed.'],
        ['Basic ' + Buffer.from('post-client:post-secret').toString('base64'), 'Client authentication failed.'],
      ];
      for (const [authorization, message] of cases) {
        const req = request(t.server).get(`${REVOKED_SRIS}/abc123`).set('X-XSRF-HEADER', 'PingFederate');
        if (authorization) req.set('Authorization', authorization);
        const res = await req;
        expectPingFederateError(res, 401, 'invalid_client');
        expect(res.body.message).toBe(message);
        expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      }
    });

    it('accepts the client\'s own configured method (client_secret_post in the JSON body)', async () => {
      const res = await request(t.server).post(REVOKED_SRIS).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json')
        .send({ id: 'by-post-client', client_id: 'post-client', client_secret: 'post-secret' });
      expect(res.status).toBe(201);
      expect(await listEntry(t, 'by-post-client')).toMatchObject({ revokedBy: 'post-client' });
    });

    it('403 with a JSON body for a client without "Allow Access to Session Revocation API"', async () => {
      for (const [id, secret] of [['no-permission', 'np-secret'], ['mgmt-only', 'mgmt-secret']]) {
        const res = await request(t.server).post(REVOKED_SRIS).auth(id, secret).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send('{"id":"x4"}');
        expectPingFederateError(res, 403, 'session_mgmt_access_denied');
        expect(res.body.message).toMatch(/Session Revocation API/);
        const read = await request(t.server).get(`${REVOKED_SRIS}/abc123`).auth(id, secret).set('X-XSRF-HEADER', 'PingFederate');
        expectPingFederateError(read, 403, 'session_mgmt_access_denied');
      }
      expect(await listEntry(t, 'x4')).toBeNull();
      // The revocation permission does not open the session management API.
      const mgmt = await request(t.server).get(`${SESSIONS}/abc123`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expectPingFederateError(mgmt, 403, 'session_mgmt_access_denied');
      expect(mgmt.body.message).toMatch(/Session Management API/);
      const users = await request(t.server).post(`${USERS}/someone/revoke`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expectPingFederateError(users, 403, 'session_mgmt_access_denied');
    });

    it('400 for a malformed id (empty, too long, control characters, not a string) or body, and for malformed JSON', async () => {
      const before = await t.dataSource.getRepository(RevokedSriEntity).count();
      for (const body of ['{"id":""}', JSON.stringify({ id: 'x'.repeat(256) }), '{"id":"a\\u0000b"}', '{"id":"a\\nb"}']) {
        expectPingFederateError(await post(body), 400, 'session_mgmt_invalid_sri');
      }
      for (const body of ['{"id":42}', '{}', '["abc"]', '"abc"', 'null']) expectPingFederateError(await post(body), 400, /invalid/);
      expectPingFederateError(await post('{"id":'), 400, /invalid_request/);
      expectPingFederateError(await get('a\u0001b'), 400, 'session_mgmt_invalid_sri');
      expectPingFederateError(await get('x'.repeat(256)), 400, 'session_mgmt_invalid_sri');
      const badQuery = await request(t.server).get(`${REVOKED_SRIS}/abc123?updateActivityTime=maybe`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expectPingFederateError(badQuery, 400, 'session_mgmt_invalid_request');
      expect(await t.dataSource.getRepository(RevokedSriEntity).count()).toBe(before);
    });

    it('answers 403 with a JSON body naming the flag while SESSION_REVOCATION_API is off, and discovery leaves the endpoint out', async () => {
      const flags = t.app.get(FeatureFlagService);
      const discovery = () => request(t.server).get('/.well-known/openid-configuration').then((r) => r.body as Record<string, unknown>);
      expect(await discovery()).toMatchObject({
        ping_revoked_sris_endpoint: 'http://localhost:8080/pf-ws/rest/sessionMgmt/revokedSris',
        ping_session_management_sris_endpoint: 'http://localhost:8080/pf-ws/rest/sessionMgmt/sessions',
        ping_session_management_users_endpoint: 'http://localhost:8080/pf-ws/rest/sessionMgmt/users',
      });
      await flags.set('SESSION_REVOCATION_API', false);
      try {
        const res = await get('abc123');
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ resultId: 'feature_flag_disabled', feature_flag: 'SESSION_REVOCATION_API' });
        const doc = await discovery();
        expect(doc.ping_revoked_sris_endpoint).toBeUndefined();
        expect(doc.ping_session_management_sris_endpoint).toBeDefined();
      } finally {
        await flags.set('SESSION_REVOCATION_API', true);
      }
      await flags.set('SESSION_MANAGEMENT_API', false);
      try {
        const doc = await discovery();
        expect(doc.ping_session_management_sris_endpoint).toBeUndefined();
        expect(doc.ping_session_management_users_endpoint).toBeUndefined();
        expect(doc.ping_revoked_sris_endpoint).toBeDefined();
      } finally {
        await flags.set('SESSION_MANAGEMENT_API', true);
      }
    });
  });

  describe('other requests under /pf-ws/rest/sessionMgmt', () => {
    it('answers a wrong method 405 with Allow and an unknown path 404, in the {resultId,message} shape', async () => {
      const wrongMethod = await request(t.server).get(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.allow).toBe('POST');
      expect(wrongMethod.body).toEqual({ resultId: 'session_mgmt_method_not_allowed', message: 'Use POST on this endpoint.' });
      const deleteStatus = await request(t.server).delete(`${REVOKED_SRIS}/abc123`);
      expect(deleteStatus.status).toBe(405);
      expect(deleteStatus.headers.allow).toBe('GET');
      const unknown = await request(t.server).get('/pf-ws/rest/sessionMgmt/nothing/here');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ resultId: 'session_mgmt_not_found', message: 'No such endpoint.' });
      // The declared routes still win over the wildcard.
      expect((await request(t.server).get(`${REVOKED_SRIS}/abc123`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')).status).toBe(200);
    });

    it('answers a path parameter longer than the router takes (4096 characters) 414, in the {resultId,message} shape, whatever the route or method', async () => {
      const tooLong = 'a'.repeat(5000);
      const paths = [
        ['get', `${REVOKED_SRIS}/${tooLong}`], ['delete', `${REVOKED_SRIS}/${tooLong}`], ['get', `/pf-ws/rest/sessionMgmt/sessions/${tooLong}`],
        ['post', `/pf-ws/rest/sessionMgmt/users/${tooLong}/revoke`], ['get', `${REVOKED_SRIS}/${'a'.repeat(4097)}`],
      ] as const;
      for (const [method, path] of paths) {
        const res = await request(t.server)[method](path).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
        expect([method, path.length, res.status, res.body]).toEqual([method, path.length, 414, { resultId: 'session_mgmt_uri_too_long', message: 'The URL is too long.' }]);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers.allow).toBeUndefined();
      }
      // At the limit the route itself answers: an SRI over 255 characters is its 400.
      const atLimit = await request(t.server).get(`${REVOKED_SRIS}/${'a'.repeat(4096)}`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expectPingFederateError(atLimit, 400, 'session_mgmt_invalid_sri');
    });
  });

  describe('OpenAPI document', () => {
    it('lists every endpoint with Basic auth, the X-XSRF-HEADER header parameter, and a body for every error response', async () => {
      const doc = (await request(t.server).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, {
        security: unknown[]; parameters: { name: string; in: string; required?: boolean }[]; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
      }>> };
      const expected: [string, string, string[]][] = [
        ['/pf-ws/rest/sessionMgmt/revokedSris', 'post', ['201', '400', '401', '403', '415', '500']],
        ['/pf-ws/rest/sessionMgmt/revokedSris/{id}', 'get', ['200', '400', '401', '403', '404', '500']],
        ['/pf-ws/rest/sessionMgmt/sessions/{sri}', 'get', ['200', '400', '401', '403', '404', '500']],
        ['/pf-ws/rest/sessionMgmt/sessions/{sri}/revoke', 'post', ['200', '400', '401', '403', '404', '500']],
        ['/pf-ws/rest/sessionMgmt/users/{userKey}', 'get', ['200', '400', '401', '403', '500']],
        ['/pf-ws/rest/sessionMgmt/users/{userKey}/revoke', 'post', ['200', '400', '401', '403', '500']],
      ];
      for (const [path, method, codes] of expected) {
        const op = doc.paths[path]?.[method];
        expect(op).toBeDefined();
        expect(op.security).toEqual([{ basic: [] }]);
        expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'X-XSRF-HEADER', in: 'header', required: true })]));
        expect(Object.keys(op.responses).sort()).toEqual([...codes].sort());
        for (const code of codes.filter((c) => c !== '201')) {
          const schema = op.responses[code].content?.['application/json']?.schema;
          expect(schema?.$ref).toBeDefined();
          if (Number(code) >= 400) expect(schema?.$ref).toBe('#/components/schemas/PingFederateErrorDto');
        }
      }
    });
  });

  describe('500 on a store fault', () => {
    it('answers 500 with a JSON body that leaks nothing, for GET and POST', async () => {
      // The status check answers from memory while the revocation feed is readable: break the
      // feed too, and the server goes back to the store (and its fault) within INDEX_STALE_MS.
      await t.dataSource.query('ALTER TABLE revoked_sri RENAME TO revoked_sri_away');
      await t.dataSource.query('ALTER TABLE revocation_event RENAME TO revocation_event_away');
      try {
        const get = () => request(t.server).get(`${REVOKED_SRIS}/abc123`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
        const deadline = Date.now() + INDEX_STALE_MS + 2000;
        let first = await get();
        while (first.status !== 500 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          first = await get();
        }
        for (const res of [
          first,
          await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send('{"id":"x5"}'),
        ]) {
          expect(res.status).toBe(500);
          expect(res.body).toEqual({ resultId: 'server_error', message: 'An unexpected error occurred.' });
          expect(res.text).not.toMatch(/revoked_sri|SQLITE|relation|select|insert|stack|at /i);
        }
      } finally {
        await t.dataSource.query('ALTER TABLE revoked_sri_away RENAME TO revoked_sri');
        await t.dataSource.query('ALTER TABLE revocation_event_away RENAME TO revocation_event');
        await t.app.get(RevocationFeedFollower).sync();
      }
      expect((await request(t.server).get(`${REVOKED_SRIS}/abc123`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')).status).toBe(200);
    });
  });
});
