import request from 'supertest';
import { DiscoveryRegistry } from '@app/discovery';
import { startTestApp, TestApp } from './support/test-app';

const PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jans-auth/.well-known/openid-configuration'];

describe('Discovery', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ http: { issuer: 'https://idp.example.com' } }); });
  afterAll(async () => { await t.close(); });

  it.each(PATHS)('GET %s serves the metadata as uncached JSON without authentication', async (path) => {
    const res = await request(t.server).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toMatchObject({
      issuer: 'https://idp.example.com',
      token_endpoint: 'https://idp.example.com/token',
      introspection_endpoint: 'https://idp.example.com/introspect',
      revocation_endpoint: 'https://idp.example.com/revoke',
      jwks_uri: 'https://idp.example.com/jwks',
      // The server serves Swagger UI, and says so through DiscoveryModule's metadata option.
      service_documentation: 'https://idp.example.com/docs',
      grant_types_supported: ['client_credentials', 'password', 'refresh_token', 'authorization_code'],
      // The registered client authentication methods; none: public clients at the token endpoint (authorization code with PKCE).
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      // private_key_jwt: asymmetric algorithms only.
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA']),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    });
    expect(res.body.token_endpoint_auth_signing_alg_values_supported.filter((a: string) => /^HS/.test(a) || a === 'none')).toEqual([]);
    expect(Array.isArray(res.body.response_types_supported)).toBe(true);
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'admin', 'global_token_revocation']));
    expect(res.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'sid', 'pi.sri']));
  });

  it('serves the same document at all three paths', async () => {
    const [a, b, c] = await Promise.all(PATHS.map((p) => request(t.server).get(p).expect(200)));
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
  });

  it('advertises endpoints that exist: jwks_uri answers with a key set', async () => {
    const { body } = await request(t.server).get(PATHS[0]).expect(200);
    const jwks = await request(t.server).get(new URL(body.jwks_uri).pathname).expect(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });

  it('shows a contributor registered at runtime on the next request, and drops it once removed', async () => {
    let enabled = true;
    const remove = t.app.get(DiscoveryRegistry).register(async () =>
      enabled ? { example_feature_endpoint: 'https://idp.example.com/example', scopes_supported: ['example_scope'] } : {});
    try {
      const on = await request(t.server).get('/jans-auth/.well-known/openid-configuration').expect(200);
      expect(on.body.example_feature_endpoint).toBe('https://idp.example.com/example');
      expect(on.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'global_token_revocation', 'example_scope']));

      enabled = false;
      const off = await request(t.server).get('/.well-known/openid-configuration').expect(200);
      expect(off.body).not.toHaveProperty('example_feature_endpoint');
      expect(off.body.scopes_supported).not.toContain('example_scope');
    } finally {
      remove();
    }
    const removed = await request(t.server).get('/.well-known/oauth-authorization-server').expect(200);
    expect(removed.body).not.toHaveProperty('example_feature_endpoint');
  });

  it('answers a contributor failure with a 500 that leaks nothing', async () => {
    const remove = t.app.get(DiscoveryRegistry).register(() => { throw new Error('secret internals'); });
    try {
      const res = await request(t.server).get('/.well-known/openid-configuration').expect(500);
      expect(res.text).not.toContain('secret internals');
    } finally {
      remove();
    }
  });
});
