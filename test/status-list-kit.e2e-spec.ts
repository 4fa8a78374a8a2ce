import request from 'supertest';
import { createTokenVerifier, ResourceServerError } from '../libs/resource-server/src';
import { StatusType } from '../libs/resource-server/src/status-list';
import { ClientFixture, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { expectStatusSoon } from './support/status-list';
import { freePort } from './support/built-server';
import { startTestApp, TestApp } from './support/test-app';

/** The resource-server kit, against this server over HTTP: it reads the token's status from the list this server serves. */
describe('Token Status List with the resource-server kit', () => {
  let t: TestApp;
  let issuer: string;
  let rp: ClientFixture;

  const clientToken = async () =>
    (await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'profile' }).expect(200)).body.access_token as string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ http: { issuer } });
    await t.app.listen(port, '127.0.0.1');
    rp = await seedClient(t, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile'] });
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', grant_types: ['client_credentials'], scopes: ['admin'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('createTokenVerifier refuses a revoked token (token_revoked) and accepts a control token', async () => {
    const revoked = await clientToken();
    const control = await clientToken();
    await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: revoked }).expect(200);
    await expectStatusSoon(t, revoked, StatusType.INVALID);
    const verifier = createTokenVerifier({ issuer, audience: issuer, allowedOrigins: [issuer] });
    const accepted = await verifier.verify(control);
    expect(accepted.payload.client_id).toBe('rp');
    const refusal = await verifier.verify(revoked).then(() => undefined, (err: unknown) => err);
    expect(refusal).toBeInstanceOf(ResourceServerError);
    expect((refusal as ResourceServerError).code).toBe('token_revoked');
  });

  it('refuses the token of a suspended user (token_suspended)', async () => {
    const sub = await seedUser(t, 'gwen', 'gwen-password');
    const login = await passwordLogin(t, rp, 'gwen', 'gwen-password');
    const admin = (await request(t.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
    await request(t.server).post(`/admin/users/${sub}/suspend`).set('Authorization', `Bearer ${admin}`).expect(204);
    await expectStatusSoon(t, login.body.access_token, StatusType.SUSPENDED);
    // A verifier of its own: the first one keeps the list it fetched for the list's ttl.
    const verifier = createTokenVerifier({ issuer, audience: issuer, allowedOrigins: [issuer] });
    const refusal = await verifier.verify(login.body.access_token).then(() => undefined, (err: unknown) => err);
    expect((refusal as ResourceServerError).code).toBe('token_suspended');
  });
});
