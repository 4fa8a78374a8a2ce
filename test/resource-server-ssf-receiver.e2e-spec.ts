import { decodeJwt } from 'jose';
import request from 'supertest';
import { createSsfReceiver, createTokenVerifier, ResourceServerError, RevokedSessions, SsfReceiver } from '../libs/resource-server/src';
import { passwordLogin, seedClient, seedUser } from './support/fixtures';
import { eventually } from './support/ssf';
import { freePort } from './support/built-server';
import { startTestApp, TestApp } from './support/test-app';

/** The resource-server kit as an SSF poll receiver of this server: an ended session's tokens are refused as soon as the SET arrives. */
describe('resource-server kit: SSF receiver', () => {
  let t: TestApp;
  let issuer: string;
  const receivers: SsfReceiver[] = [];
  const rp = { client_id: 'api-rp', client_secret: 'api-rp-secret-1', grant_types: ['client_credentials', 'password'], scopes: ['openid', 'profile', 'ssf.manage'] };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ http: { issuer }, ssf: { pollMaxWait: 5 } });
    await t.app.listen(port, '127.0.0.1');
    await seedClient(t, rp);
    await seedUser(t, 'hana', 'hana-password');
  });
  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await t.close();
  });

  const receiver = (revocations?: RevokedSessions) => {
    const r = createSsfReceiver({ transmitter: issuer, clientId: rp.client_id, clientSecret: rp.client_secret, allowedOrigins: [issuer], revocations });
    receivers.push(r);
    return r;
  };

  it('creates a poll stream, hears the session end, and createTokenVerifier refuses the session\'s token (token_revoked)', async () => {
    const ssf = receiver();
    await ssf.start();
    expect(ssf.streamId).toMatch(/^[0-9a-f]{32}$/);
    // The status list is kept for 5 minutes, so the refusal below can only come from the SET.
    const verifier = createTokenVerifier({ issuer, audience: issuer, allowedOrigins: [issuer], revocations: ssf.revocations, statusList: { minTtl: 300, maxTtl: 300, refreshAhead: 1 } });
    const login = await passwordLogin(t, rp, 'hana', 'hana-password', 'openid profile');
    expect(login.status).toBe(200);
    await expect(verifier.verify(login.body.access_token)).resolves.toBeDefined();

    await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: login.body.id_token })}`).expect(200);
    const refusal = await eventually(
      () => verifier.verify(login.body.access_token).then(() => undefined, (e: unknown) => e),
      (e) => e instanceof ResourceServerError,
    );
    expect((refusal as ResourceServerError).code).toBe('token_revoked');
    expect(ssf.revocations.isRevoked({ sid: decodeJwt(login.body.access_token).sid })).toBe(true);

    // Another session of the same user is untouched.
    const other = await passwordLogin(t, rp, 'hana', 'hana-password', 'openid profile');
    await expect(verifier.verify(other.body.access_token)).resolves.toBeDefined();
  });

  it('finds its own stream again after a restart rather than creating another', async () => {
    const first = receivers[0];
    await first.stop();
    const again = receiver();
    await again.start();
    expect(again.streamId).toBe(first.streamId);
  });

  it('refuses to start with credentials the transmitter refuses', async () => {
    const wrong = createSsfReceiver({ transmitter: issuer, clientId: rp.client_id, clientSecret: 'wrong', allowedOrigins: [issuer] });
    await expect(wrong.start()).rejects.toThrow(/token endpoint: HTTP 401/);
    // An origin the kit was not allowed to contact is refused before any request.
    const elsewhere = createSsfReceiver({ transmitter: issuer, clientId: rp.client_id, clientSecret: rp.client_secret });
    await expect(elsewhere.start()).rejects.toThrow();
  });
});
