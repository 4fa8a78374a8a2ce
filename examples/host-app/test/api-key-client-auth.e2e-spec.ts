import request from 'supertest';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BasicStrategy } from 'passport-http';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { DataSource } from 'typeorm';
import { hashSecret } from '@app/auth';
import { ClientRepository, RevokedSriEntity, TokenEndpointAuthMethod } from '@app/store';
import { testStoreConfig } from '../../../test/support/test-app';
import { ApiKeyClientAuth } from '../src/api-key-client-auth';
import { HostSessions } from '../src/host-sessions.service';
import { InMemoryUserDirectory } from '../src/in-memory-user-directory';
import { createHostApp } from '../src/main';

const USERS = '/pf-ws/rest/sessionMgmt/users';
const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';
const REPORTING_KEY = 'rk_live_5d1f0c9a7b3e';
const PORTAL_SECRET = 'portal:secret:81be';
const KIOSK_SECRET = ':kiosk-secret-77a0';

/** Passport in the example host: an npm strategy as a client authentication method, and client_secret_basic's secrets. */
describe('example host application: client authentication through Passport', () => {
  let app: NestFastifyApplication;
  let store: ReturnType<typeof testStoreConfig>;
  const server = () => app.getHttpServer();
  const mgmt = (method: 'get' | 'post', path: string) => request(server())[method](path).set('X-XSRF-HEADER', 'PingFederate');
  const basicHeader = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  beforeAll(async () => {
    store = testStoreConfig();
    const directory = new InMemoryUserDirectory([{ id: 'u-ada', email: 'ada@example.com', employeeNumber: 'E1001' }]);
    app = await createHostApp({ config: { http: { issuer: 'http://host.example.test' }, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } }, directory });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const clients = app.get(ClientRepository);
    const now = Date.now();
    // The entity's type lists the built-in methods; a host's own (api_key) is stored the same way.
    for (const [clientId, secret, method] of [['reporting', null, 'api_key'], ['portal', PORTAL_SECRET, 'client_secret_basic'], ['kiosk', KIOSK_SECRET, 'client_secret_basic']] as const) {
      await clients.save(clients.create({
        clientId, clientName: null, secretHash: secret === null ? null : await hashSecret(secret), tokenEndpointAuthMethod: method as TokenEndpointAuthMethod, grantTypes: ['client_credentials'],
        scopes: ['openid'], redirectUris: [], postLogoutRedirectUris: null, backchannelLogoutUri: null, caepReceiverUri: null,
        sessionRevocationApi: true, sessionManagementApi: true, jwks: null, jwksUri: null, sessionValidation: null, createdAt: now, updatedAt: now,
      }));
    }
    app.get(ApiKeyClientAuth).keys.add(REPORTING_KEY, 'reporting');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
    store?.cleanup();
  });

  describe('api_key: passport-headerapikey through PassportClientAuthMethod', () => {
    it('authenticates the client its key was issued to, with passport on every request', async () => {
      const runs = jest.spyOn(HeaderAPIKeyStrategy.prototype, 'authenticate');
      await app.get(HostSessions).start('u-ada', 'portal');
      const status = await mgmt('get', `${USERS}/E1001`).set('X-Api-Key', REPORTING_KEY);
      expect(status.status).toBe(200);
      expect(status.body).toEqual({ status: 'HAS_VALID_SESSIONS' });
      const listed = await mgmt('post', REVOKED_SRIS).set('X-Api-Key', REPORTING_KEY).set('Content-Type', 'application/json').send({ id: 'sri-by-api-key' });
      expect(listed.status).toBe(201);
      expect(await app.get(DataSource).getRepository(RevokedSriEntity).findOneBy({ sri: 'sri-by-api-key' })).toMatchObject({ revokedBy: 'reporting' });
      expect(runs).toHaveBeenCalledTimes(2);
      runs.mockRestore();
    });

    it('refuses a key passport does not accept: 401 invalid_client, nothing listed', async () => {
      const res = await mgmt('post', REVOKED_SRIS).set('X-Api-Key', 'rk_live_guess').set('Content-Type', 'application/json').send({ id: 'sri-never-listed' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ resultId: 'invalid_client', message: 'Client authentication failed.' });
      expect(res.headers['www-authenticate']).toBeDefined();
      expect(await app.get(DataSource).getRepository(RevokedSriEntity).findOneBy({ sri: 'sri-never-listed' })).toBeNull();
    });

    it('holds each client to its registered method, both ways', async () => {
      app.get(ApiKeyClientAuth).keys.add('rk_portal_0a1b', 'portal');
      const key = await mgmt('get', `${USERS}/E1001`).set('X-Api-Key', 'rk_portal_0a1b');
      expect(key.status).toBe(401);
      expect(key.body).toEqual({ resultId: 'invalid_client', message: 'Client authentication failed.' });
      const basic = await mgmt('get', `${USERS}/E1001`).set('Authorization', basicHeader('reporting', REPORTING_KEY));
      expect(basic.status).toBe(401);
      expect(basic.body.resultId).toBe('invalid_client');
    });

    it('refuses it together with another method: 400 invalid_request', async () => {
      const res = await mgmt('get', `${USERS}/E1001`).set('X-Api-Key', REPORTING_KEY).auth('portal', PORTAL_SECRET);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ resultId: 'invalid_request', message: 'Use one client authentication method, not several.' });
    });
  });

  describe('client_secret_basic: passport-http\'s BasicStrategy for credentials not verified in the last minute', () => {
    it('takes a secret with raw colons (curl -u) and form-encoded (%3A); a repeat is answered without passport', async () => {
      const runs = jest.spyOn(BasicStrategy.prototype, 'authenticate');
      expect((await mgmt('get', `${USERS}/E1001`).auth('portal', PORTAL_SECRET)).status).toBe(200);
      expect(runs).toHaveBeenCalledTimes(1);
      expect((await mgmt('get', `${USERS}/E1001`).set('Authorization', basicHeader('portal', encodeURIComponent(PORTAL_SECRET)))).status).toBe(200);
      expect((await mgmt('get', `${USERS}/E1001`).auth('portal', PORTAL_SECRET)).status).toBe(200);
      expect(runs).toHaveBeenCalledTimes(1);
      const cut = await mgmt('get', `${USERS}/E1001`).auth('portal', 'portal');
      expect(cut.status).toBe(401);
      expect(cut.body).toEqual({ resultId: 'invalid_client', message: 'Client authentication failed.' });
      expect(runs).toHaveBeenCalledTimes(2);
      runs.mockRestore();
    });

    it('takes a secret that begins with a colon form-encoded only: raw, passport-http sees an empty password', async () => {
      const raw = await mgmt('get', `${USERS}/E1001`).auth('kiosk', KIOSK_SECRET);
      expect(raw.status).toBe(401);
      expect(raw.body).toEqual({ resultId: 'invalid_client', message: 'Client authentication failed.' });
      expect(raw.headers['www-authenticate']).toBe('Basic realm="revocation-server"');
      expect((await mgmt('get', `${USERS}/E1001`).set('Authorization', basicHeader('kiosk', encodeURIComponent(KIOSK_SECRET)))).status).toBe(200);
    });
  });
});
