import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { ClientAuthenticationMethod, ClientAuthenticator, ClientAuthMethod, ClientAuthRequest, parseBasicCredentials, RequestAuth } from '@app/auth';
import { invalidClient } from '@app/common';
import { DiscoveryModule } from '@app/discovery';
import { OAuthModule } from '@app/oauth';
import { SessionMgmtModule } from '@app/session-mgmt';
import { RevokedSriEntity } from '@app/store';
import { ClientFixture, seedClient } from '../support/fixtures';
import { startHostApp } from '../support/host-app';
import { TestApp } from '../support/test-app';

/** Set by the host's TLS-terminating proxy once it has verified the client's certificate (and stripped from what clients send). */
const CERT_SUBJECT = 'x-client-cert-subject';
const CN = /^CN=([^,]+)$/;

/** A host's tls_client_auth (RFC 8705 §2.1), the certificate checked by the proxy in front. */
@Injectable()
@ClientAuthenticationMethod()
class ProxyTlsClientAuth implements ClientAuthMethod {
  readonly name = 'tls_client_auth';

  constructor(private readonly clients: ClientAuthenticator) {}

  presentedBy(req: ClientAuthRequest): boolean {
    return req.headers[CERT_SUBJECT] !== undefined;
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    return CN.exec(String(req.headers[CERT_SUBJECT]))?.[1];
  }

  async authenticate(req: ClientAuthRequest): Promise<RequestAuth> {
    const clientId = this.presentedClientId(req);
    if (!clientId) throw invalidClient('The client certificate names no client.');
    const client = await this.clients.registeredClient(clientId, this.name);
    return { method: this.name, clientId, scopes: client.scopes, client };
  }
}

@Module({ providers: [ProxyTlsClientAuth] })
class TlsClientAuthModule {}

/** Replaces the built-in client_secret_basic: the secrets live in the host's vault, not in the store. */
@Injectable()
@ClientAuthenticationMethod()
class VaultClientSecretBasic implements ClientAuthMethod {
  static readonly vault = new Map([['rp', 'vault-secret-8c1e']]);
  readonly name = 'client_secret_basic';

  constructor(private readonly clients: ClientAuthenticator) {}

  presentedBy(req: ClientAuthRequest): boolean {
    return /^basic\s/i.test(String(req.headers.authorization ?? ''));
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    return this.credentials(req)[0];
  }

  async authenticate(req: ClientAuthRequest): Promise<RequestAuth> {
    const [clientId, secret] = this.credentials(req);
    if (!clientId || VaultClientSecretBasic.vault.get(clientId) !== secret) throw invalidClient('Refused by the vault.');
    const client = await this.clients.registeredClient(clientId, this.name);
    return { method: this.name, clientId, scopes: client.scopes, client };
  }

  private credentials(req: ClientAuthRequest): string[] {
    const pair = parseBasicCredentials(req.headers.authorization as string | undefined);
    return pair && pair !== 'malformed' && pair.id ? [pair.id, pair.secret] : [];
  }
}

const RP: ClientFixture = { client_id: 'rp', client_secret: 'store-secret-4b7d', grant_types: ['client_credentials'], scopes: ['openid'] };
const MTLS: ClientFixture = {
  client_id: 'mtls-app', client_secret: 'never-used', scopes: ['openid'], session_revocation_api: true,
  token_endpoint_auth_method: 'tls_client_auth' as ClientFixture['token_endpoint_auth_method'],
};
const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';

describe('Client authentication methods: a host\'s own', () => {
  let t: TestApp;
  const certificate = (clientId: string) => `CN=${clientId}`;

  beforeAll(async () => {
    t = await startHostApp({ imports: [TlsClientAuthModule, OAuthModule.forRoot(), SessionMgmtModule.forRoot(), DiscoveryModule.forRoot()] });
    for (const c of [RP, MTLS]) await seedClient(t, c);
  });
  afterAll(async () => { await t?.close(); });

  it('authenticates at /introspect, next to the built-ins', async () => {
    const issued = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials' }).expect(200);
    const res = await request(t.server).post('/introspect').set(CERT_SUBJECT, certificate('mtls-app')).type('form').send({ token: issued.body.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: true, client_id: 'rp' });
  });

  it('authenticates at the PingFederate revokedSris endpoint: the SRI is listed, revoked by the client', async () => {
    const res = await request(t.server).post(REVOKED_SRIS).set(CERT_SUBJECT, certificate('mtls-app')).set('X-XSRF-HEADER', 'PingFederate')
      .set('Content-Type', 'application/json').send({ id: 'sri-by-mtls' });
    expect(res.status).toBe(201);
    expect(await t.dataSource.getRepository(RevokedSriEntity).findOneBy({ sri: 'sri-by-mtls' })).toMatchObject({ revokedBy: 'mtls-app' });
    const status = await request(t.server).get(`${REVOKED_SRIS}/sri-by-mtls`).set(CERT_SUBJECT, certificate('mtls-app')).set('X-XSRF-HEADER', 'PingFederate');
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ id: 'sri-by-mtls' });
  });

  it('holds clients to their registered method, both ways', async () => {
    const wrong = await request(t.server).post('/introspect').set(CERT_SUBJECT, certificate('rp')).type('form').send({ token: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const secret = await request(t.server).get(`${REVOKED_SRIS}/abc`).auth(MTLS.client_id, MTLS.client_secret).set('X-XSRF-HEADER', 'PingFederate');
    expect(secret.status).toBe(401);
    expect(secret.body).toEqual({ resultId: 'invalid_client', message: 'Client authentication failed.' });
    const unknown = await request(t.server).post('/introspect').set(CERT_SUBJECT, 'O=Example').type('form').send({ token: 'x' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error_description).toBe('The client certificate names no client.');
  });

  it('refuses it together with another method: 400 invalid_request, in each route\'s error shape', async () => {
    const both = await request(t.server).post('/introspect').set(CERT_SUBJECT, certificate('mtls-app')).auth(RP.client_id, RP.client_secret).type('form').send({ token: 'x' });
    expect(both.status).toBe(400);
    expect(both.body).toEqual({ error: 'invalid_request', error_description: 'Use one client authentication method, not several.' });
    const pf = await request(t.server).post(REVOKED_SRIS).set(CERT_SUBJECT, certificate('mtls-app')).set('X-XSRF-HEADER', 'PingFederate')
      .set('Content-Type', 'application/json').send({ id: 'never-listed', client_id: 'rp', client_secret: RP.client_secret });
    expect(pf.status).toBe(400);
    expect(pf.body).toEqual({ resultId: 'invalid_request', message: 'Use one client authentication method, not several.' });
    expect(await t.dataSource.getRepository(RevokedSriEntity).findOneBy({ sri: 'never-listed' })).toBeNull();
  });

  it('is published in discovery for the token, introspection and revocation endpoints', async () => {
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    for (const key of ['token_endpoint_auth_methods_supported', 'introspection_endpoint_auth_methods_supported', 'revocation_endpoint_auth_methods_supported']) {
      expect(body[key]).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth']);
    }
  });
});

describe('Client authentication methods: a host\'s method replacing a built-in', () => {
  let t: TestApp;

  beforeAll(async () => {
    @Module({ providers: [VaultClientSecretBasic] })
    class VaultModule {}
    t = await startHostApp({ imports: [VaultModule, OAuthModule.forRoot(), DiscoveryModule.forRoot()] });
    await seedClient(t, RP);
  });
  afterAll(async () => { await t?.close(); });

  it('answers client_secret_basic with the host\'s check instead of the store\'s secret', async () => {
    const vault = await request(t.server).post('/introspect').auth('rp', VaultClientSecretBasic.vault.get('rp')!).type('form').send({ token: 'x' });
    expect(vault.status).toBe(200);
    expect(vault.body).toEqual({ active: false });
    const stored = await request(t.server).post('/introspect').auth(RP.client_id, RP.client_secret).type('form').send({ token: 'x' });
    expect(stored.status).toBe(401);
    expect(stored.body).toEqual({ error: 'invalid_client', error_description: 'Refused by the vault.' });
  });

  it('keeps the built-in\'s place in discovery, listed once', async () => {
    const { body } = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(body.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
  });
});

describe('Client authentication methods: two of one name', () => {
  it('stop the application at start, naming both', async () => {
    @Injectable()
    @ClientAuthenticationMethod()
    class OtherTlsClientAuth extends ProxyTlsClientAuth {}
    @Module({ providers: [ProxyTlsClientAuth, OtherTlsClientAuth] })
    class TwiceModule {}
    await expect(startHostApp({ imports: [TwiceModule] })).rejects.toThrow(/Two client authentication methods are named tls_client_auth: ProxyTlsClientAuth and OtherTlsClientAuth/);
  });
});
