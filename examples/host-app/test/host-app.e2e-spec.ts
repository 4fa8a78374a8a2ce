import request from 'supertest';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { hashSecret, newTokenId, TokenSigner } from '@app/auth';
import { FeatureFlagService } from '@app/feature-flag';
import { ClientRepository, RevokedSriEntity, SessionRepository, UserRepository } from '@app/store';
import { testStoreConfig } from '../../../test/support/test-app';
import { HostSessions } from '../src/host-sessions.service';
import { InMemoryUserDirectory } from '../src/in-memory-user-directory';
import { HOST_SRI_LIFETIME_MINUTES } from '../src/host-app.module';
import { createHostApp } from '../src/main';
import { SessionEndedSubscriber } from '../src/session-ended.subscriber';

const GTR = '/api/v1/global-token-revocation';
const USERS = '/pf-ws/rest/sessionMgmt/users';
const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';

/** The example host of examples/host-app, built from its own module on a fresh store. */
describe('example host application (examples/host-app)', () => {
  let app: NestFastifyApplication;
  let store: ReturnType<typeof testStoreConfig>;
  let directory: InMemoryUserDirectory;
  let received: SessionEndedSubscriber['received'];
  const server = () => app.getHttpServer();
  const gtr = (subId: object) => request(server()).post(GTR).auth('hr-system', 'hr-secret-2f9c1a').send({ sub_id: subId });
  const mgmt = (method: 'get' | 'post', path: string) => request(server())[method](path).auth('portal', 'portal-secret-81be').set('X-XSRF-HEADER', 'PingFederate');
  const start = (userId: string) => app.get(HostSessions).start(userId, 'portal');
  const sessionOf = (id: string) => app.get(SessionRepository).findById(id);

  beforeAll(async () => {
    store = testStoreConfig();
    directory = new InMemoryUserDirectory([
      { id: 'u-ada', email: 'Ada@Example.com', employeeNumber: 'E1001' },
      { id: 'u-grace', email: 'grace@example.com', employeeNumber: 'E1002' },
      { id: 'u-linus', email: 'linus@example.com', employeeNumber: 'E1003', attributes: { uid: 'linus' } },
    ]);
    app = await createHostApp({
      config: { http: { issuer: 'http://host.example.test' }, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } },
      directory,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    received = app.get(SessionEndedSubscriber).received;
    const clients = app.get(ClientRepository);
    const now = Date.now();
    for (const [clientId, secret, scopes, mgmtApi] of [['hr-system', 'hr-secret-2f9c1a', ['global_token_revocation'], false], ['portal', 'portal-secret-81be', ['openid'], true]] as const) {
      await clients.save(clients.create({
        clientId, clientName: null, secretHash: await hashSecret(secret), tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'],
        scopes: [...scopes], redirectUris: [], postLogoutRedirectUris: null, backchannelLogoutUri: null, caepReceiverUri: null,
        sessionRevocationApi: mgmtApi, sessionManagementApi: mgmtApi, jwks: null, jwksUri: null, sessionValidation: null, createdAt: now, updatedAt: now,
      }));
    }
  });
  afterAll(async () => {
    await app?.close();
    store?.cleanup();
  });

  describe('RevocationModule.forRootAsync under /api/v1 with the in-memory directory', () => {
    it('revokes the sessions of the directory user an e-mail names, and the host subscriber hears of it after commit', async () => {
      const [one, two] = [await start('u-ada'), await start('u-ada')];
      const other = await start('u-grace');
      const before = received.length;
      const res = await gtr({ format: 'email', email: 'ada@example.com' });
      expect(res.status).toBe(204);
      for (const s of [one, two]) expect((await sessionOf(s.id))!.revokedReason).toBe('global_token_revocation');
      expect((await sessionOf(other.id))!.revokedAt).toBeNull();
      const events = received.slice(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ reason: 'global_token_revocation', by: 'hr-system' });
      expect(events[0].sessions.map((s) => s.id).sort()).toEqual([one.id, two.id].sort());
      expect(events[0].sessions.every((s) => s.userId === 'u-ada')).toBe(true);
      expect(app.get(SessionEndedSubscriber).revokedUsers.at(-1)).toMatchObject({ userId: 'u-ada', by: 'hr-system', sessionsEnded: 2, reason: 'global_token_revocation' });
    });

    it('resolves through the directory only: a user in the store but not in the directory is unknown (404, the host\'s unknown-user answer)', async () => {
      await app.get(UserRepository).upsert({ id: 'u-store-only' }, { uid: 'store-only', email: 'store-only@example.com' });
      await start('u-store-only');
      expect((await gtr({ format: 'email', email: 'store-only@example.com' })).status).toBe(404);
      expect((await gtr({ format: 'uid', id: 'store-only' })).status).toBe(404);
      // A user added to the directory later is found at once.
      directory.add({ id: 'u-store-only', email: 'store-only@example.com', employeeNumber: 'E9999' });
      expect((await gtr({ format: 'email', email: 'store-only@example.com' })).status).toBe(204);
    });

    it('accepts Janssen\'s attribute form and opaque ids, and refuses the formats the host left out (400)', async () => {
      const s = await start('u-linus');
      expect((await gtr({ format: 'uid', id: 'linus' })).status).toBe(204);
      expect((await sessionOf(s.id))!.revokedAt).not.toBeNull();
      // A user without a live session: no session.ended, but the global revocation is published.
      directory.add({ id: 'u-hedy', email: 'hedy@example.com', employeeNumber: 'E1004' });
      const ended = received.length;
      expect((await gtr({ format: 'opaque', id: 'u-hedy' })).status).toBe(204);
      expect(received.length).toBe(ended);
      expect(app.get(SessionEndedSubscriber).revokedUsers.at(-1)).toMatchObject({ userId: 'u-hedy', sessionsEnded: 0 });
      const refused = await gtr({ format: 'phone_number', phone_number: '+15551234567' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
    });

    it('is served under the host\'s prefix only', async () => {
      const res = await request(server()).post('/jans-auth/restv1/global-token-revocation').auth('hr-system', 'hr-secret-2f9c1a').send({ sub_id: { format: 'opaque', id: 'u-ada' } });
      expect(res.status).toBe(404);
    });

    it('still authenticates callers: a wrong secret is 401, a client without the scope 403', async () => {
      expect((await request(server()).post(GTR).auth('hr-system', 'nope').send({ sub_id: { format: 'opaque', id: 'u-ada' } })).status).toBe(401);
      expect((await request(server()).post(GTR).auth('portal', 'portal-secret-81be').send({ sub_id: { format: 'opaque', id: 'u-ada' } })).status).toBe(403);
    });
  });

  describe('the host\'s own routes, protected by the public decorators alone (@BearerAuth, @AuthenticateClient)', () => {
    const token = (scope: string, clientId = 'hr-system') => {
      const iat = Math.floor(Date.now() / 1000);
      return app.get(TokenSigner).sign({ iss: 'http://host.example.test', sub: clientId, aud: 'http://host.example.test', client_id: clientId, scope, jti: newTokenId(), iat, exp: iat + 300 }, 'at+jwt');
    };

    it('@BearerAuth: no token is 401 with a Bearer challenge, a bad token 401, a token without the scope 403, one with it 200', async () => {
      const anonymous = await request(server()).get('/reports/usage');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_token');
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await request(server()).get('/reports/usage').set('Authorization', 'Bearer not.a.token')).status).toBe(401);
      // Client credentials are not a bearer token.
      expect((await request(server()).get('/reports/usage').auth('hr-system', 'hr-secret-2f9c1a')).status).toBe(401);
      const lacking = await request(server()).get('/reports/usage').set('Authorization', `Bearer ${await token('openid')}`);
      expect(lacking.status).toBe(403);
      expect(lacking.body.error).toBe('insufficient_scope');
      const ok = await request(server()).get('/reports/usage').set('Authorization', `Bearer ${await token('openid reports:read')}`);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ caller: 'hr-system', report: 'usage' });
    });

    it('@AuthenticateClient: no credentials or a wrong secret is 401 invalid_client, the client\'s own secret 200', async () => {
      const anonymous = await request(server()).get('/reports/clients/me');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      expect((await request(server()).get('/reports/clients/me').auth('portal', 'wrong')).status).toBe(401);
      const ok = await request(server()).get('/reports/clients/me').auth('portal', 'portal-secret-81be');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ caller: 'portal' });
    });
  });

  it('FeatureFlagModule.forRoot: the host\'s flag defaults apply, the others keep theirs', () => {
    const flags = app.get(FeatureFlagService);
    expect(flags.isEnabled('END_SESSION')).toBe(false);
    expect(flags.isEnabled('GLOBAL_TOKEN_REVOCATION')).toBe(true);
  });

  describe('SessionMgmtModule.forRoot with the directory and employeeNumber as the user key', () => {
    it('reports and revokes the sessions of the user the key names, and the subscriber hears of it', async () => {
      const s = await start('u-grace');
      expect((await mgmt('get', `${USERS}/E1002`)).body).toEqual({ status: 'HAS_VALID_SESSIONS' });
      // The store's attributes play no part: the e-mail is not the key here.
      expect((await mgmt('get', `${USERS}/grace%40example.com`)).body).toEqual({ status: 'NO_VALID_SESSIONS' });
      const before = received.length;
      const res = await mgmt('post', `${USERS}/E1002/revoke`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'SESSION_REVOKED' });
      expect((await sessionOf(s.id))!.revokedAt).not.toBeNull();
      expect(received.slice(before).flatMap((e) => e.sessions.map((x) => x.id))).toContain(s.id);
    });

    it('lists every revoked SRI for the host\'s lifetime (60 minutes), whichever module ended the session', async () => {
      const listed = (sri: string) => app.get(DataSource).getRepository(RevokedSriEntity).findOneBy({ sri });
      const lifetimeOf = async (sri: string, listedFrom: number) => {
        const entry = await listed(sri);
        expect(entry).not.toBeNull();
        expect(entry!.expiresAt - entry!.createdAt).toBe(HOST_SRI_LIFETIME_MINUTES * 60_000);
        expect(entry!.createdAt).toBeGreaterThanOrEqual(listedFrom);
      };
      // The Session Revocation API lists the SRI it is given.
      const byList = await start('u-ada');
      let before = Date.now();
      expect((await mgmt('post', REVOKED_SRIS).set('Content-Type', 'application/json').send({ id: byList.sri })).status).toBe(201);
      expect((await sessionOf(byList.id))!.revokedAt).not.toBeNull();
      await lifetimeOf(byList.sri, before);
      // The Session Management API ends a user's sessions.
      const byUser = await start('u-grace');
      before = Date.now();
      expect((await mgmt('post', `${USERS}/E1002/revoke`)).status).toBe(200);
      await lifetimeOf(byUser.sri, before);
      // Global Token Revocation, another module, lists with the same lifetime.
      const byGlobal = await start('u-grace');
      before = Date.now();
      expect((await gtr({ format: 'email', email: 'grace@example.com' })).status).toBe(204);
      await lifetimeOf(byGlobal.sri, before);
      expect((await mgmt('get', `${REVOKED_SRIS}/${byGlobal.sri}`)).status).toBe(200);
    });
  });
});
