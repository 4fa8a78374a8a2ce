import request from 'supertest';
import { decodeJwt } from 'jose';
import { hashSecret, TokenSigner } from '@app/auth';
import { AccessTokenFormat, UserRepository, UserTokenWatermarkEntity } from '@app/store';
import { ClientFixture, introspect, passwordLogin, seedClient } from './support/fixtures';
import { REVOKED_SRIS } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

const GTR: ClientFixture = { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] };
const OPS: ClientFixture = { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] };
const PF: ClientFixture = { client_id: 'pf', client_secret: 'pf-secret', session_revocation_api: true };

/**
 * A user whose subject id (and username) equals a client id: its tokens are the user's, not the
 * client's own, because the token says so (its kind is set when it is issued), not because its
 * `sub` differs from its `client_id`. Global revocation, a listed SRI and the user's deletion end them.
 */
describe.each<[AccessTokenFormat, string]>([['jwt', 'twin'], ['reference', 'twin-ref']])('A user whose sub is a client id (%s access tokens)', (format, id) => {
  let t: TestApp;
  let opsToken: string;
  const twin: ClientFixture = {
    client_id: id, client_secret: `${id}-secret`, scopes: ['openid', 'admin'], grant_types: ['password', 'refresh_token', 'client_credentials'], access_token_format: format,
  };

  const signIn = async () => {
    const res = await passwordLogin(t, twin, id, `${id}-password`, 'openid admin');
    expect(res.status).toBe(200);
    return { accessToken: res.body.access_token as string, sri: decodeJwt(res.body.id_token)['pi.sri'] as string };
  };
  const clientToken = async () =>
    (await request(t.server).post('/token').auth(twin.client_id, twin.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token as string;
  /** What introspection and a bearer-protected route (the admin API, scope admin) say of the token. */
  const usable = async (token: string) => ({
    active: (await introspect(t, PF, token)).active,
    adminApi: (await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${token}`)).status,
  });
  const LIVE = { active: true, adminApi: 200 };
  const DEAD = { active: false, adminApi: 401 };

  beforeAll(async () => {
    t = await startTestApp();
    for (const c of [twin, GTR, OPS, PF]) await seedClient(t, c);
    await t.app.get(UserRepository).upsert({ id, passwordHash: await hashSecret(`${id}-password`) }, { uid: id });
    opsToken = (await request(t.server).post('/token').auth(OPS.client_id, OPS.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
  });
  afterAll(async () => { await t.close(); });

  it('marks each access token with its kind when it is issued', async () => {
    const signer = t.app.get(TokenSigner);
    const user = await signer.verify((await signIn()).accessToken, 'at+jwt');
    const own = await signer.verify(await clientToken(), 'at+jwt');
    expect(user).toMatchObject({ sub: id, client_id: id, token_kind: 'user' });
    expect(own).toMatchObject({ sub: id, client_id: id, token_kind: 'client' });
  });

  it('a global revocation of the user ends its tokens, not the client\'s own', async () => {
    const { accessToken } = await signIn();
    const own = await clientToken();
    expect(await usable(accessToken)).toEqual(LIVE);
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(GTR.client_id, GTR.client_secret).set('Content-Type', 'application/json')
      .send(JSON.stringify({ sub_id: { format: 'uid', id } })).expect(204);
    expect(await t.dataSource.getRepository(UserTokenWatermarkEntity).findOneBy({ userId: id })).toMatchObject({ sessionReason: 'global_token_revocation' });
    expect(await usable(accessToken)).toEqual(DEAD);
    expect(await usable(own)).toEqual(LIVE);
  });

  it('listing the session\'s SRI ends the tokens bound to it (the client checks the session revocation status)', async () => {
    const { accessToken, sri } = await signIn();
    expect(await usable(accessToken)).toEqual(LIVE);
    await request(t.server).post(REVOKED_SRIS).auth(PF.client_id, PF.client_secret).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json')
      .send({ id: sri }).expect(201);
    expect(await usable(accessToken)).toEqual(DEAD);
  });

  it('deleting the user ends its tokens, not the client\'s own', async () => {
    const { accessToken } = await signIn();
    const own = await clientToken();
    expect(await usable(accessToken)).toEqual(LIVE);
    await request(t.server).delete(`/admin/users/${id}`).set('Authorization', `Bearer ${opsToken}`).expect(204);
    expect(await t.app.get(UserRepository).findById(id)).toBeNull();
    expect(await usable(accessToken)).toEqual(DEAD);
    expect(await usable(own)).toEqual(LIVE);
  });
});

/** Tokens issued before the kind was marked: checked as a user's, the safe side; a client's own still works. */
describe('Access tokens without a kind (issued before it was marked)', () => {
  let t: TestApp;
  const legacy: ClientFixture = { client_id: 'legacy', client_secret: 'legacy-secret', scopes: ['openid', 'admin'], grant_types: ['password', 'client_credentials'] };

  /** The same token as the server issues now, re-signed without its kind, as an earlier version issued it. */
  async function unmarked(token: string): Promise<string> {
    const claims = { ...(await t.app.get(TokenSigner).verify(token, 'at+jwt'))! };
    delete claims.token_kind;
    return t.app.get(TokenSigner).accessToken(claims, 'jwt');
  }

  beforeAll(async () => {
    t = await startTestApp();
    for (const c of [legacy, PF]) await seedClient(t, c);
    await t.app.get(UserRepository).upsert({ id: 'legacy', passwordHash: await hashSecret('legacy-password') }, { uid: 'legacy' });
  });
  afterAll(async () => { await t.close(); });

  it('a user\'s token whose sub is its client id is checked against its session; a client\'s own keeps working', async () => {
    const login = await passwordLogin(t, legacy, 'legacy', 'legacy-password', 'openid admin');
    const userToken = await unmarked(login.body.access_token);
    const ownToken = await unmarked((await request(t.server).post('/token').auth(legacy.client_id, legacy.client_secret).type('form').send({ grant_type: 'client_credentials' }).expect(200)).body.access_token);
    expect(decodeJwt(userToken)).toMatchObject({ sub: 'legacy', client_id: 'legacy' });
    expect(decodeJwt(userToken).token_kind).toBeUndefined();
    for (const token of [userToken, ownToken]) expect((await introspect(t, PF, token)).active).toBe(true);

    const sri = decodeJwt(login.body.id_token)['pi.sri'] as string;
    await request(t.server).post(REVOKED_SRIS).auth(PF.client_id, PF.client_secret).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json')
      .send({ id: sri }).expect(201);
    expect((await introspect(t, PF, userToken)).active).toBe(false);
    expect((await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${userToken}`)).status).toBe(401);
    expect((await introspect(t, PF, ownToken)).active).toBe(true);
    expect((await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${ownToken}`)).status).toBe(200);
  });
});
