import request from 'supertest';
import { StatusType } from '../libs/resource-server/src/status-list';
import { runCli } from '../apps/cli/src/cli';
import { ClientFixture, introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { expectStatusSoon, servedStatus } from './support/status-list';
import { startTestApp, TestApp } from './support/test-app';

const { VALID, INVALID, SUSPENDED } = StatusType;

/** Suspension: a reversible hold on every token of a user, SUSPENDED in the lists and inactive at introspection. */
describe('User suspension', () => {
  let t: TestApp;
  let rp: ClientFixture;
  let adminToken: string;
  const admin = (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${adminToken}`);

  beforeAll(async () => {
    t = await startTestApp();
    rp = await seedClient(t, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile'] });
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', grant_types: ['client_credentials'], scopes: ['admin'] });
    adminToken = (await request(t.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('admin suspend and resume: SUSPENDED then VALID again, introspection follows; a token revoked meanwhile stays INVALID', async () => {
    const sub = await seedUser(t, 'dana', 'dana-password');
    await seedUser(t, 'erin', 'erin-password');
    const held = await passwordLogin(t, rp, 'dana', 'dana-password');
    const revokedMeanwhile = await passwordLogin(t, rp, 'dana', 'dana-password');
    const control = await passwordLogin(t, rp, 'erin', 'erin-password');
    await admin(`/admin/users/${sub}/suspend`).expect(204);
    await expectStatusSoon(t, held.body.access_token, SUSPENDED);
    await expectStatusSoon(t, held.body.id_token, SUSPENDED);
    expect(await introspect(t, rp, held.body.access_token)).toEqual({ active: false });
    expect(await servedStatus(t, control.body.access_token)).toBe(VALID);
    expect((await introspect(t, rp, control.body.access_token)).active).toBe(true);
    // Suspending again changes nothing.
    await admin(`/admin/users/${sub}/suspend`).expect(204);
    await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: revokedMeanwhile.body.access_token }).expect(200);
    await expectStatusSoon(t, revokedMeanwhile.body.access_token, INVALID);
    await admin(`/admin/users/${sub}/resume`).expect(204);
    await expectStatusSoon(t, held.body.access_token, VALID);
    await expectStatusSoon(t, held.body.id_token, VALID);
    expect((await introspect(t, rp, held.body.access_token)).active).toBe(true);
    expect(await servedStatus(t, revokedMeanwhile.body.access_token)).toBe(INVALID);
  });

  it('answers 404 for an unknown user and 401 without the admin token', async () => {
    await admin('/admin/users/nobody/suspend').expect(404);
    await admin('/admin/users/nobody/resume').expect(404);
    await request(t.server).post('/admin/users/nobody/suspend').expect(401);
  });

  it('CLI users suspend and resume, from another process on the same store', async () => {
    await seedUser(t, 'frank', 'frank-password');
    const held = await passwordLogin(t, rp, 'frank', 'frank-password');
    const io = { stdout: () => undefined, stderr: (s: string) => { throw new Error(s); } };
    const cli = (...argv: string[]) => runCli(argv, io, { config: { store: t.config.store } });
    expect(await cli('users', 'suspend', '--uid', 'frank')).toBe(0);
    await expectStatusSoon(t, held.body.access_token, SUSPENDED);
    expect((await introspect(t, rp, held.body.access_token)).active).toBe(false);
    expect(await cli('users', 'resume', '--uid', 'frank')).toBe(0);
    await expectStatusSoon(t, held.body.access_token, VALID);
    expect((await introspect(t, rp, held.body.access_token)).active).toBe(true);
  });
});
