import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { DiscoveryModule } from '@app/discovery';
import { OAuthModule } from '@app/oauth';
import { SignInModule } from '@app/sign-in';
import { seedClient, seedUser } from '../support/fixtures';
import { startHostApp } from '../support/host-app';
import { TestApp } from '../support/test-app';

const RP = { client_id: 'rp', client_secret: 'rp-secret-5c1e', scopes: ['openid', 'profile'], grant_types: ['client_credentials', 'password', 'refresh_token'] };

describe('OAuthModule.forRoot in a host: under /oauth2, two grants, shorter lifetimes', () => {
  let t: TestApp;
  const token = (params: Record<string, string>) => request(t.server).post('/oauth2/token').auth(RP.client_id, RP.client_secret).type('form').send(params);

  beforeAll(async () => {
    t = await startHostApp({
      config: { tokens: { accessTokenTtl: 3600, idTokenTtl: 3600 } },
      imports: [
        OAuthModule.forRoot({ pathPrefix: '/oauth2/', grantTypes: ['password', 'client_credentials'], accessTokenTtl: 600, idTokenTtl: 300 }),
        DiscoveryModule.forRoot(),
      ],
    });
    await seedClient(t, RP);
    await seedUser(t, 'ada', 'ada-password');
  });
  afterAll(async () => { await t?.close(); });

  it('serves /token, /introspect, /revoke and /jwks under the prefix only', async () => {
    const res = await token({ grant_type: 'client_credentials' }).expect(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    const jwt = decodeJwt(res.body.access_token);
    expect(jwt.exp! - jwt.iat!).toBe(600);
    expect((await request(t.server).get('/oauth2/jwks').expect(200)).body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    for (const [method, path] of [['post', '/token'], ['post', '/introspect'], ['post', '/revoke'], ['get', '/jwks']] as const) {
      expect((await request(t.server)[method](path).auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials' })).status).toBe(404);
    }
  });

  it('introspects and revokes under the prefix', async () => {
    const { access_token } = (await token({ grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid' }).expect(200)).body;
    const introspect = () => request(t.server).post('/oauth2/introspect').auth(RP.client_id, RP.client_secret).type('form').send({ token: access_token }).expect(200);
    expect((await introspect()).body).toMatchObject({ active: true, client_id: 'rp' });
    await request(t.server).post('/oauth2/revoke').auth(RP.client_id, RP.client_secret).type('form').send({ token: access_token }).expect(200);
    expect((await introspect()).body).toEqual({ active: false });
  });

  it('issues the ID token with its own lifetime, and no refresh token while the refresh_token grant is off', async () => {
    const res = await token({ grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid profile' }).expect(200);
    expect(res.body.expires_in).toBe(600);
    expect(res.body).not.toHaveProperty('refresh_token');
    const id = decodeJwt(res.body.id_token);
    expect(id.exp! - id.iat!).toBe(300);
  });

  it('refuses a grant the module leaves out with 400 unsupported_grant_type, even for a client registered for it', async () => {
    const res = await token({ grant_type: 'refresh_token', refresh_token: 'whatever' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('publishes the prefixed endpoints and only the grants it accepts in discovery', async () => {
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body).toMatchObject({
      issuer: 'http://host.example.test',
      token_endpoint: 'http://host.example.test/oauth2/token',
      introspection_endpoint: 'http://host.example.test/oauth2/introspect',
      revocation_endpoint: 'http://host.example.test/oauth2/revoke',
      jwks_uri: 'http://host.example.test/oauth2/jwks',
      grant_types_supported: ['client_credentials', 'password'],
    });
    // No sign-in module here: nothing publishes /authorize.
    expect(body).not.toHaveProperty('authorization_endpoint');
  });
});

@Injectable()
class HostSettings {
  readonly tokenMinutes = 5;
}

@Module({ providers: [HostSettings], exports: [HostSettings] })
class HostSettingsModule {}

describe('OAuthModule.forRootAsync: options from the host\'s own provider', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startHostApp({
      imports: [
        OAuthModule.forRootAsync({
          pathPrefix: '/as',
          imports: [HostSettingsModule],
          inject: [HostSettings],
          useFactory: (s: HostSettings) => ({ accessTokenTtl: s.tokenMinutes * 60, grantTypes: ['client_credentials'] }),
        }),
        DiscoveryModule.forRoot(),
      ],
    });
    await seedClient(t, RP);
    await seedUser(t, 'ada', 'ada-password');
  });
  afterAll(async () => { await t?.close(); });

  it('issues tokens with the factory\'s lifetime and accepts only the factory\'s grants', async () => {
    const ok = await request(t.server).post('/as/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials' }).expect(200);
    expect(ok.body.expires_in).toBe(300);
    const refused = await request(t.server).post('/as/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'password', username: 'ada', password: 'ada-password' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unsupported_grant_type');
    const { body } = await request(t.server).get('/.well-known/oauth-authorization-server').expect(200);
    expect(body).toMatchObject({ token_endpoint: 'http://host.example.test/as/token', grant_types_supported: ['client_credentials'] });
  });
});

describe('OAuthModule options a host cannot use', () => {
  it('refuses to start with an access token lifetime beyond the server\'s (the revocation index would forget revocations first)', async () => {
    await expect(startHostApp({ config: { tokens: { accessTokenTtl: 600 } }, imports: [OAuthModule.forRoot({ accessTokenTtl: 601 })] }))
      .rejects.toThrow(/accessTokenTtl must be a whole number of seconds from 1 to the server's ACCESS_TOKEN_TTL \(600\)/);
  });

  it('refuses a path prefix that is not a path, and an unknown grant type', async () => {
    expect(() => OAuthModule.forRoot({ pathPrefix: 'oauth2' })).toThrow(/pathPrefix must be a path/);
    await expect(startHostApp({ imports: [OAuthModule.forRoot({ grantTypes: ['implicit' as never] })] })).rejects.toThrow(/unknown grant type implicit/);
  });

  it('SignInModule refuses to start without the authorization_code grant', async () => {
    await expect(startHostApp({ imports: [OAuthModule.forRoot({ grantTypes: ['client_credentials'] }), DiscoveryModule.forRoot(), SignInModule] }))
      .rejects.toThrow(/SignInModule needs the authorization_code grant/);
  });
});
