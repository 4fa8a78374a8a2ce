import request from 'supertest';
import { SERVER_CONFIG, ServerConfig } from '@app/common';
import { DiscoveryModule, DiscoveryRegistry } from '@app/discovery';
import { startHostApp } from '../support/host-app';
import { TestApp } from '../support/test-app';

const DEFAULT_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jans-auth/.well-known/openid-configuration'];

describe('DiscoveryModule.forRoot in a host: own issuer, own paths, static entries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startHostApp({
      imports: [DiscoveryModule.forRoot({
        issuer: 'https://ids.example.org/',
        paths: ['/.well-known/openid-configuration', 'tenant-a/.well-known/openid-configuration/'],
        metadata: { op_policy_uri: 'https://ids.example.org/policy', scopes_supported: ['tenant_a'] },
      })],
    });
  });
  afterAll(async () => { await t?.close(); });

  it('serves the document at the paths given, and not at the others', async () => {
    const [a, b] = await Promise.all(['/.well-known/openid-configuration', '/tenant-a/.well-known/openid-configuration'].map((p) => request(t.server).get(p).expect(200)));
    expect(a.headers['cache-control']).toBe('no-cache');
    expect(b.body).toEqual(a.body);
    for (const path of DEFAULT_PATHS.slice(1)) expect((await request(t.server).get(path)).status).toBe(404);
  });

  it('publishes the issuer given, the static entries, and no endpoint of a module the host did not mount', async () => {
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body).toMatchObject({ issuer: 'https://ids.example.org', op_policy_uri: 'https://ids.example.org/policy', subject_types_supported: ['public'] });
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'global_token_revocation', 'tenant_a']));
    for (const entry of ['token_endpoint', 'jwks_uri', 'authorization_endpoint', 'global_token_revocation_endpoint', 'ping_revoked_sris_endpoint', 'service_documentation']) {
      expect(body).not.toHaveProperty(entry);
    }
  });
});

describe('DiscoveryModule.forRootAsync, and no paths at all', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startHostApp({
      imports: [DiscoveryModule.forRootAsync({
        paths: [],
        inject: [SERVER_CONFIG],
        useFactory: (server: ServerConfig) => ({ metadata: { service_documentation: `${server.http.issuer}/handbook` } }),
      })],
    });
  });
  afterAll(async () => { await t?.close(); });

  it('serves no path, while the registry (for the host to serve itself) holds the factory\'s entries', async () => {
    for (const path of DEFAULT_PATHS) expect((await request(t.server).get(path)).status).toBe(404);
    expect(await t.app.get(DiscoveryRegistry).document()).toMatchObject({ issuer: 'http://host.example.test', service_documentation: 'http://host.example.test/handbook' });
  });
});

describe('DiscoveryModule options a host cannot use', () => {
  it('refuses a path that is not a path, and an issuer that is not a URL', async () => {
    expect(() => DiscoveryModule.forRoot({ paths: ['/a b'] })).toThrow(/each path must be a path/);
    await expect(startHostApp({ imports: [DiscoveryModule.forRoot({ issuer: 'idp.example.com' })] })).rejects.toThrow(/issuer must be an http\(s\) URL/);
  });
});
