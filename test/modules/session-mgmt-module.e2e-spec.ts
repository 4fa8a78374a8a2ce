import request from 'supertest';
import { DataSource } from 'typeorm';
import { SERVER_CONFIG, ServerConfig } from '@app/common';
import { DiscoveryModule } from '@app/discovery';
import { OAuthModule } from '@app/oauth';
import { SessionMgmtModule } from '@app/session-mgmt';
import { RevokedSriEntity } from '@app/store';
import { seedUser } from '../support/fixtures';
import { startHostApp } from '../support/host-app';
import { login, seedClient } from '../support/session-mgmt';
import { TestApp } from '../support/test-app';

const PORTAL = {
  client_id: 'portal', client_secret: 'portal-secret-3d9f', scopes: ['openid', 'profile'], grant_types: ['password'],
  session_revocation_api: true, session_management_api: true,
};

describe('SessionMgmtModule.forRoot in a host, under /pingfed/api', () => {
  let t: TestApp;
  const call = (method: 'get' | 'post', path: string) =>
    request(t.server)[method](path).auth(PORTAL.client_id, PORTAL.client_secret).set('X-XSRF-HEADER', 'PingFederate');

  beforeAll(async () => {
    t = await startHostApp({ imports: [SessionMgmtModule.forRoot({ pathPrefix: '/pingfed/api/' }), OAuthModule.forRoot(), DiscoveryModule.forRoot()] });
    await seedClient(t, PORTAL);
    await seedUser(t, 'ada', 'ada-password');
  });
  afterAll(async () => { await t?.close(); });

  it('lists an SRI and answers its status under the prefix, the Location naming it there', async () => {
    const added = await call('post', '/pingfed/api/revokedSris').send({ id: 'abc123' }).expect(201);
    expect(added.headers.location).toBe('/pingfed/api/revokedSris/abc123');
    expect((await call('get', added.headers.location).expect(200)).body).toEqual({ id: 'abc123' });
  });

  it('serves the Session Management API under the prefix: a session, a user, and their revocation', async () => {
    const { sri } = await login(t, PORTAL, 'ada', 'ada-password');
    expect((await call('get', `/pingfed/api/sessions/${sri}`).expect(200)).body).toMatchObject({ authnSource: 'password' });
    expect((await call('get', '/pingfed/api/users/ada').expect(200)).body).toEqual({ status: 'HAS_VALID_SESSIONS' });
    expect((await call('post', '/pingfed/api/users/ada/revoke').expect(200)).body).toEqual({ status: 'SESSION_REVOKED' });
    expect((await call('get', `/pingfed/api/revokedSris/${sri}?updateActivityTime=false`).expect(200)).body).toEqual({ id: sri });
  });

  it('serves nothing at PingFederate\'s default paths', async () => {
    expect((await call('get', '/pf-ws/rest/sessionMgmt/revokedSris/abc123')).status).toBe(404);
    expect((await call('post', '/pf-ws/rest/sessionMgmt/revokedSris').send({ id: 'x' })).status).toBe(404);
  });

  it('answers a wrong method (405) and a wrong path (404) below the prefix in PingFederate\'s error shape', async () => {
    const wrongMethod = await call('get', '/pingfed/api/revokedSris');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.body).toEqual({ resultId: 'session_mgmt_method_not_allowed', message: 'Use POST on this endpoint.' });
    const wrongPath = await call('get', '/pingfed/api/nothing-here');
    expect(wrongPath.status).toBe(404);
    expect(wrongPath.body).toEqual({ resultId: 'session_mgmt_not_found', message: 'No such endpoint.' });
    // A method Nest does not route never reaches the module's wildcard; its answer keeps the shape.
    const search = await request(t.server).search('/pingfed/api/revokedSris/abc123');
    expect(search.status).toBe(404);
    expect(search.body).toHaveProperty('resultId');
  });

  it('publishes the endpoints under the prefix in discovery', async () => {
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body).toMatchObject({
      ping_revoked_sris_endpoint: 'http://host.example.test/pingfed/api/revokedSris',
      ping_session_management_sris_endpoint: 'http://host.example.test/pingfed/api/sessions',
      ping_session_management_users_endpoint: 'http://host.example.test/pingfed/api/users',
    });
  });
});

describe('SessionMgmtModule.forRootAsync: prefix given directly, the rest from a factory (each value other than the server\'s)', () => {
  let t: TestApp;
  const call = (method: 'get' | 'post', path: string) =>
    request(t.server)[method](path).auth(PORTAL.client_id, PORTAL.client_secret).set('X-XSRF-HEADER', 'PingFederate');

  beforeAll(async () => {
    t = await startHostApp({
      imports: [
        SessionMgmtModule.forRootAsync({
          pathPrefix: '/sm',
          inject: [SERVER_CONFIG],
          useFactory: (server: ServerConfig) => ({ userKeyAttribute: 'mail', revocationListMax: 2, purgeInterval: Math.min(server.revocationList.purgeInterval, 1) }),
        }),
        OAuthModule.forRoot(),
        DiscoveryModule.forRoot(),
      ],
    });
    await seedClient(t, PORTAL);
    await seedUser(t, 'ada', 'ada-password', { mail: 'ada@example.com' });
  });
  afterAll(async () => { await t?.close(); });

  it('matches users by the factory\'s key attribute, under the prefix given', async () => {
    await login(t, PORTAL, 'ada', 'ada-password');
    expect((await call('get', '/sm/users/ada%40example.com').expect(200)).body).toEqual({ status: 'HAS_VALID_SESSIONS' });
    expect((await call('get', '/sm/users/ada').expect(200)).body).toEqual({ status: 'NO_VALID_SESSIONS' });
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body.ping_session_management_users_endpoint).toBe('http://host.example.test/sm/users');
  });

  /** Polls the list until `done` holds, for at most 10 s. */
  async function listSettles(done: (sris: string[]) => boolean): Promise<string[]> {
    const repo = t.app.get(DataSource).getRepository(RevokedSriEntity);
    for (let i = 0; ; i++) {
      const sris = (await repo.find()).map((r) => r.sri);
      if (done(sris) || i === 100) return sris;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('keeps at most the factory\'s revocationListMax entries on the list (the server\'s is far larger)', async () => {
    expect(t.app.get<ServerConfig>(SERVER_CONFIG).revocationList.max).toBeGreaterThan(2);
    for (const id of ['m1', 'm2', 'm3', 'm4']) await call('post', '/sm/revokedSris').set('Content-Type', 'application/json').send({ id }).expect(201);
    expect((await listSettles((s) => s.length <= 2)).sort()).toEqual(['m3', 'm4']);
  });

  it('purges expired entries every purgeInterval seconds of the factory\'s (the server\'s is a minute)', async () => {
    expect(t.app.get<ServerConfig>(SERVER_CONFIG).revocationList.purgeInterval).toBeGreaterThan(1);
    // Written behind the module's back, so only the timer can find it.
    await t.app.get(DataSource).getRepository(RevokedSriEntity).insert({ sri: 'expired-1', createdAt: Date.now() - 120_000, expiresAt: Date.now() - 60_000, revokedBy: 'test' });
    expect(await listSettles((s) => !s.includes('expired-1'))).not.toContain('expired-1');
  });
});

describe('SessionMgmtModule options a host cannot use', () => {
  it('refuses an empty prefix (the module answers every path below it) and one that is not a path', () => {
    for (const pathPrefix of ['', '/']) expect(() => SessionMgmtModule.forRoot({ pathPrefix })).toThrow(/pathPrefix must not be empty/);
    expect(() => SessionMgmtModule.forRoot({ pathPrefix: 'pf ws' })).toThrow(/pathPrefix must be a path/);
  });
});
