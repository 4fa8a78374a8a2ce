import request from 'supertest';
import { runCli } from '../apps/cli/src/cli';
import { seedClient, seedUser } from './support/fixtures';
import { seedReceiver, ssf, ssfToken, verifySet } from './support/ssf';
import { startTestApp, TestApp } from './support/test-app';

/**
 * CAEP credential-change and token-claims-change SETs (CAEP 1.0 §3.3, §3.2) for the changes the
 * admin API and CLI make: a user's password and attributes, a client's secret and scopes.
 */
const ISSUER = 'http://localhost:8080';
const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
const TOKEN_CLAIMS_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change';
const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };

jest.setTimeout(90_000);

describe('Shared Signals: credential-change and token-claims-change', () => {
  let t: TestApp;
  let adminToken: string;
  let rp: { api: ReturnType<typeof ssf>; endpoint: string };
  let bystander: { api: ReturnType<typeof ssf>; endpoint: string };
  let alice: string;

  const asAdmin = (r: request.Test) => r.set('Authorization', `Bearer ${adminToken}`);

  /** A receiver with a poll stream for both events; `scopes` are those its tokens may carry. */
  async function receiver(clientId: string, scopes: string[]) {
    const client = await seedReceiver(t, clientId, ['ssf.manage', ...scopes], { grant_types: ['client_credentials', 'password'] });
    const api = ssf(t, await ssfToken(t, client));
    const stream = (await api.create({ events_requested: [CREDENTIAL_CHANGE, TOKEN_CLAIMS_CHANGE] }).expect(201)).body;
    return { client, api, endpoint: stream.delivery.endpoint_url as string };
  }

  /** Every SET waiting on the stream, verified, acknowledged. */
  async function drain(r: { api: ReturnType<typeof ssf>; endpoint: string }, aud: string) {
    const res = await r.api.poll(r.endpoint, { returnImmediately: true, maxEvents: 100 }).expect(200);
    const jtis = Object.keys(res.body.sets);
    if (jtis.length > 0) await r.api.poll(r.endpoint, { returnImmediately: true, maxEvents: 0, ack: jtis }).expect(200);
    return Promise.all(Object.values<string>(res.body.sets).map((s) => verifySet(t, s, aud)));
  }

  beforeAll(async () => {
    t = await startTestApp({ ssf: { pollMaxWait: 1 } });
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    rp = await receiver('rp', ['openid', 'email']);
    bystander = await receiver('bystander', ['openid', 'email']);
    alice = await seedUser(t, 'alice', 'alice-password', { email: 'alice@example.com', dept: 'ops' });
  });
  afterAll(async () => { await t.close(); });

  it('a user\'s password changed (admin API): credential-change to the clients of the user\'s sessions', async () => {
    // Alice signs in at rp only: the bystander never saw her.
    const login = await request(t.server).post('/token').auth('rp', 'rp-secret').type('form')
      .send({ grant_type: 'password', username: 'alice', password: 'alice-password', scope: 'openid email' });
    expect(login.status).toBe(200);

    await asAdmin(request(t.server).patch(`/admin/users/${alice}`)).send({ password: 'alice-new-password-1' }).expect(200);
    const [set] = await drain(rp, 'rp');
    expect(set).toEqual({
      iss: ISSUER, aud: 'rp', iat: expect.any(Number), jti: expect.any(String), txn: expect.any(String),
      sub_id: { format: 'iss_sub', iss: ISSUER, sub: alice },
      events: { [CREDENTIAL_CHANGE]: { credential_type: 'password', change_type: 'update', event_timestamp: expect.any(Number), initiating_entity: 'admin', reason_admin: { en: 'The user\'s password was changed' } } },
    });
    expect(await drain(bystander, 'bystander')).toEqual([]);
  });

  it('a user\'s attributes changed: token-claims-change with the claims the client\'s scopes release, nothing for others', async () => {
    await asAdmin(request(t.server).patch(`/admin/users/${alice}`)).send({ attributes: { email: 'alice@new.example', dept: 'dev' } }).expect(200);
    const [set] = await drain(rp, 'rp');
    expect(set.sub_id).toEqual({ format: 'iss_sub', iss: ISSUER, sub: alice });
    // dept feeds no claim; email does (rp has the email scope).
    expect(set.events).toEqual({ [TOKEN_CLAIMS_CHANGE]: { claims: { email: 'alice@new.example' }, event_timestamp: expect.any(Number), initiating_entity: 'admin', reason_admin: { en: 'The user\'s attributes changed' } } });

    await asAdmin(request(t.server).patch(`/admin/users/${alice}`)).send({ attributes: { dept: 'ops' } }).expect(200);
    expect(await drain(rp, 'rp')).toEqual([]);
    expect(await drain(bystander, 'bystander')).toEqual([]);
  });

  it('a client\'s secret rotated (admin API, CLI): credential-change to the client\'s own streams', async () => {
    await asAdmin(request(t.server).post('/admin/clients/rp/secret')).send({ client_secret: 'rp-rotated-secret-1' }).expect(200);
    const [set] = await drain(rp, 'rp');
    expect(set).toMatchObject({
      sub_id: { format: 'complex', application: { format: 'opaque', id: 'rp' } },
      events: { [CREDENTIAL_CHANGE]: { credential_type: 'client_secret', change_type: 'update', initiating_entity: 'admin', reason_admin: { en: 'The client\'s secret was changed' } } },
    });
    expect(await drain(bystander, 'bystander')).toEqual([]);

    let out = '';
    const code = await runCli(['clients', 'rotate-secret', 'bystander'], { stdout: (x) => { out += x; }, stderr: (x) => { out += x; }, stdin: async () => '' }, { config: t.config });
    expect({ code, out }).toMatchObject({ code: 0 });
    const [cli] = await drain(bystander, 'bystander');
    expect(cli).toMatchObject({ sub_id: { format: 'complex', application: { format: 'opaque', id: 'bystander' } }, events: { [CREDENTIAL_CHANGE]: { credential_type: 'client_secret' } } });
  });

  it('a client\'s scopes changed: token-claims-change with its new scope', async () => {
    await asAdmin(request(t.server).patch('/admin/clients/rp')).send({ scopes: ['openid', 'email', 'profile', 'ssf.manage'] }).expect(200);
    const [set] = await drain(rp, 'rp');
    expect(set).toMatchObject({
      sub_id: { format: 'complex', application: { format: 'opaque', id: 'rp' } },
      events: { [TOKEN_CLAIMS_CHANGE]: { claims: { scope: 'email openid profile ssf.manage' }, initiating_entity: 'admin' } },
    });
    // A change that leaves the scopes as they were says nothing.
    await asAdmin(request(t.server).patch('/admin/clients/rp')).send({ client_name: 'Relying party' }).expect(200);
    expect(await drain(rp, 'rp')).toEqual([]);
  });
});
