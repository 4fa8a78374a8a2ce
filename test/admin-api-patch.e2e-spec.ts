import request from 'supertest';
import { ClientRepository, UserRepository } from '@app/store';
import { authorizePath, Browser, hiddenInputs, pkce } from './support/browser';
import { passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };
const MERGE_PATCH = 'application/merge-patch+json';
const WEB_CB = 'https://rp1.example/cb';
const authorize = () => authorizePath({
  response_type: 'code', client_id: RP.client_id, redirect_uri: WEB_CB, scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256',
});

describe('Admin API: PATCH (RFC 7396 merge patch) of clients and users, disabled users', () => {
  let t: TestApp;
  let adminToken: string;

  const patch = (path: string, body: unknown, type = MERGE_PATCH) =>
    request(t.server).patch(path).set('Authorization', `Bearer ${adminToken}`).set('Content-Type', type).send(JSON.stringify(body));
  const as = (method: 'get' | 'post' | 'put', path: string) => request(t.server)[method](path).set('Authorization', `Bearer ${adminToken}`);

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...RP, grant_types: ['password', 'refresh_token', 'authorization_code'], scopes: ['openid', 'profile'], redirect_uris: [WEB_CB] });
    const res = await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' });
    adminToken = res.body.access_token;
  });
  afterAll(async () => { await t.close(); });

  describe('clients', () => {
    const full = {
      client_id: 'patched', client_name: 'Patched', scopes: ['api', 'openid'], grant_types: ['client_credentials', 'authorization_code'],
      redirect_uris: ['https://rp.example/cb'], post_logout_redirect_uris: ['https://rp.example/bye'], backchannel_logout_uri: 'https://rp.example/bcl',
      session_validation: { include_session_id: true, check_valid_authn_session: true }, resources: ['https://api.example.com'],
    };

    it('changes only the members given, keeps the others and the secret', async () => {
      const created = await as('post', '/admin/clients').send({ ...full, client_id: 'keep' });
      expect(created.status).toBe(201);
      const secret = created.body.client_secret as string;
      const res = await patch('/admin/clients/keep', { client_name: 'Renamed', scopes: ['api'] });
      expect(res.status).toBe(200);
      const { client_id: _id, ...settings } = full;
      expect(res.body).toMatchObject({ ...settings, client_name: 'Renamed', scopes: ['api'], has_secret: true });
      expect((await as('get', '/admin/clients/keep')).body).toMatchObject({ ...settings, client_name: 'Renamed', scopes: ['api'] });
      const token = await request(t.server).post('/token').auth('keep', secret).type('form').send({ grant_type: 'client_credentials', scope: 'api' });
      expect(token.status).toBe(200);
    });

    it('removes optional members with null (they take their defaults) and merges nested objects', async () => {
      expect((await as('post', '/admin/clients').send({ ...full, client_id: 'nulls' })).status).toBe(201);
      const res = await patch('/admin/clients/nulls', {
        client_name: null, post_logout_redirect_uris: null, backchannel_logout_uri: null, resources: null, session_validation: { include_session_id: null, check_session_revocation_status: true },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        client_name: null, post_logout_redirect_uris: null, backchannel_logout_uri: null, resources: [],
        session_validation: { check_valid_authn_session: true, check_session_revocation_status: true }, scopes: ['api', 'openid'],
      });
      expect(res.body.session_validation.include_session_id).toBeUndefined();
      const stored = await t.app.get(ClientRepository).findById('nulls');
      expect(stored).toMatchObject({ clientName: null, backchannelLogoutUri: null, resources: [], redirectUris: ['https://rp.example/cb'] });
    });

    it('takes application/json too; PUT still replaces every setting', async () => {
      expect((await as('post', '/admin/clients').send({ ...full, client_id: 'json' })).status).toBe(201);
      expect((await patch('/admin/clients/json', { client_name: 'As JSON' }, 'application/json')).body.client_name).toBe('As JSON');
      const put = await as('put', '/admin/clients/json').send({ scopes: ['api'] });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ client_name: null, scopes: ['api'], grant_types: ['client_credentials'], redirect_uris: [], backchannel_logout_uri: null });
    });

    it('refuses a patched result that is invalid as a whole, read-only members, a non-object body; 404 for an unknown client', async () => {
      expect((await as('post', '/admin/clients').send({ ...full, client_id: 'strict' })).status).toBe(201);
      // authorization_code still needs a redirect URI once they are removed.
      const noRedirect = await patch('/admin/clients/strict', { redirect_uris: null });
      expect(noRedirect.status).toBe(400);
      expect(noRedirect.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('grant_types: authorization_code needs at least one redirect_uri') });
      const readOnly = await patch('/admin/clients/strict', { client_id: 'other', created_at: 'now' });
      expect(readOnly.status).toBe(400);
      expect(readOnly.body.error_description).toMatch(/client_id: unknown member.*created_at: unknown member/);
      expect((await patch('/admin/clients/strict', ['x'])).status).toBe(400);
      expect((await patch('/admin/clients/strict', { grant_types: ['magic'] })).body.error_description).toContain('grant_types[0]: must be one of');
      expect((await t.app.get(ClientRepository).findById('strict'))?.redirectUris).toEqual(['https://rp.example/cb']);
      const missing = await patch('/admin/clients/nobody', { client_name: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('not_found');
      const xml = await request(t.server).patch('/admin/clients/strict').set('Authorization', `Bearer ${adminToken}`).set('Content-Type', 'application/xml').send('<a/>');
      expect(xml.status).toBe(415);
    });
  });

  describe('users', () => {
    it('sets and removes attributes, keeps the others, changes the uid to a free one only', async () => {
      const sub = await seedUser(t, 'attrs', 'pw-attrs', { mail: 'attrs@example.com', phone_number: '+1 555', locale: 'en' });
      await seedUser(t, 'taken', 'pw-taken');
      const res = await patch(`/admin/users/${sub}`, { attributes: { mail: 'new@example.com', phone_number: null } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ sub, attributes: { uid: 'attrs', mail: 'new@example.com', locale: 'en' }, has_password: true, disabled: false });
      expect(res.body.attributes.phone_number).toBeUndefined();
      expect(await t.app.get(UserRepository).attributesOf(sub)).toEqual({ uid: 'attrs', mail: 'new@example.com', locale: 'en' });

      const taken = await patch(`/admin/users/${sub}`, { attributes: { uid: 'taken' } });
      expect(taken.status).toBe(409);
      expect((await patch(`/admin/users/${sub}`, { attributes: { uid: null } })).body.error_description).toContain('attributes.uid: cannot be removed');
      const renamed = await patch(`/admin/users/${sub}`, { attributes: { uid: 'attrs2' } });
      expect(renamed.body.attributes.uid).toBe('attrs2');
      expect((await passwordLogin(t, RP, 'attrs2', 'pw-attrs')).status).toBe(200);
      expect((await passwordLogin(t, RP, 'attrs', 'pw-attrs')).status).toBe(400);
    });

    it('sets a new password (the old one stops working) and removes it with null', async () => {
      const sub = await seedUser(t, 'pw', 'old-password');
      expect((await patch(`/admin/users/${sub}`, { password: 'new-password' })).body.has_password).toBe(true);
      expect((await passwordLogin(t, RP, 'pw', 'old-password')).status).toBe(400);
      expect((await passwordLogin(t, RP, 'pw', 'new-password')).status).toBe(200);
      const removed = await patch(`/admin/users/${sub}`, { password: null });
      expect(removed.body.has_password).toBe(false);
      expect((await passwordLogin(t, RP, 'pw', 'new-password')).status).toBe(400);
    });

    it('refuses unknown and read-only members and bad values; 404 for an unknown user', async () => {
      const sub = await seedUser(t, 'strict-user', 'pw');
      const res = await patch(`/admin/users/${sub}`, { sub: 'x', has_password: false, disabled: 'yes', attributes: { 'bad name': 'v' } });
      expect(res.status).toBe(400);
      for (const p of ['sub: unknown member', 'has_password: unknown member', 'disabled: must be true or false', 'attributes["bad name"]: is not a valid attribute name']) {
        expect(res.body.error_description).toContain(p);
      }
      expect((await patch('/admin/users/nobody', { disabled: true })).status).toBe(404);
    });

    it('disables a user: password grant, refresh and the sign-in form refuse them until enabled again', async () => {
      const sub = await seedUser(t, 'dis', 'pw-dis');
      const before = await passwordLogin(t, RP, 'dis', 'pw-dis');
      expect(before.status).toBe(200);
      const browser = new Browser(t);
      const form = await browser.get(authorize());
      expect((await browser.post('/authorize', { ...hiddenInputs(form.text), username: 'dis', password: 'pw-dis' })).status).toBe(303);
      expect((await browser.get(authorize())).status).toBe(303);

      const disabled = await patch(`/admin/users/${sub}`, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ sub, disabled: true, has_password: true });
      expect((await t.app.get(UserRepository).findById(sub))?.disabled).toBe(true);

      const login = await passwordLogin(t, RP, 'dis', 'pw-dis');
      expect(login.status).toBe(400);
      expect(login.body).toEqual({ error: 'invalid_grant', error_description: 'The resource owner credentials are invalid.' });
      const refresh = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
        .send({ grant_type: 'refresh_token', refresh_token: before.body.refresh_token });
      expect(refresh.status).toBe(400);
      expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'The user is disabled.' });
      // Single sign-on gives way to the form, which refuses the right password.
      const signIn = await browser.get(authorize());
      expect(signIn.status).toBe(200);
      const refused = await browser.post('/authorize', { ...hiddenInputs(signIn.text), username: 'dis', password: 'pw-dis' });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('The username or password is incorrect.');

      expect((await as('get', `/admin/users/${sub}`)).body.disabled).toBe(true);
      const enabled = await patch(`/admin/users/${sub}`, { disabled: false });
      expect(enabled.body.disabled).toBe(false);
      expect((await passwordLogin(t, RP, 'dis', 'pw-dis')).status).toBe(200);
      // The refresh token was not spent by the refused attempt.
      const again = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
        .send({ grant_type: 'refresh_token', refresh_token: before.body.refresh_token });
      expect(again.status).toBe(200);
    });
  });
});
