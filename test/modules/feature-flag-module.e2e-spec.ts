import request from 'supertest';
import { SERVER_CONFIG, ServerConfig } from '@app/common';
import { DiscoveryModule } from '@app/discovery';
import { FeatureFlagModule, FeatureFlagService } from '@app/feature-flag';
import { SessionMgmtModule } from '@app/session-mgmt';
import { startHostApp } from '../support/host-app';
import { seedClient } from '../support/session-mgmt';
import { TestApp } from '../support/test-app';

const PORTAL = { client_id: 'portal', client_secret: 'portal-secret-0b7e', session_revocation_api: true, session_management_api: true };

describe('FeatureFlagModule.forRootAsync: a host\'s flag defaults from a factory', () => {
  let t: TestApp;
  const listSri = () => request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris')
    .auth(PORTAL.client_id, PORTAL.client_secret).set('X-XSRF-HEADER', 'PingFederate').send({ id: 'abc123' });

  beforeAll(async () => {
    t = await startHostApp({
      featureFlags: FeatureFlagModule.forRootAsync({
        inject: [SERVER_CONFIG],
        // This host lets its own clients list SRIs only once an operator turns the API on.
        useFactory: (server: ServerConfig) => ({ defaults: { SESSION_REVOCATION_API: server.http.issuer.startsWith('https:') } }),
      }),
      imports: [SessionMgmtModule.forRoot(), DiscoveryModule.forRoot()],
    });
    await seedClient(t, PORTAL);
  });
  afterAll(async () => { await t?.close(); });

  it('keeps a flag off by the factory\'s default (403, left out of discovery) while the other flags keep theirs', async () => {
    const refused = await listSri();
    expect(refused.status).toBe(403);
    expect(refused.body).toHaveProperty('resultId');
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body).not.toHaveProperty('ping_revoked_sris_endpoint');
    expect(body.ping_session_management_users_endpoint).toBe('http://host.example.test/pf-ws/rest/sessionMgmt/users');
  });

  it('lets the store turn the flag on over the host\'s default', async () => {
    await t.app.get(FeatureFlagService).set('SESSION_REVOCATION_API', true);
    expect((await listSri()).status).toBe(201);
  });
});
