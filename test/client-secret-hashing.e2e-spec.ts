import request from 'supertest';
import { generateSecret } from '@app/auth';
import { ProvisioningService } from '@app/admin';
import { ClientRepository } from '@app/store';
import { seedClient } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };

/** Generated client secrets (256 random bits) are verified with a fast hash, not scrypt (docs/reliability.md). */
describe('Client secret hashing', () => {
  let t: TestApp;
  let adminToken: string;

  const secretHashOf = async (clientId: string) => (await t.app.get(ClientRepository).findById(clientId))!.secretHash!;
  const introspect = (clientId: string, secret: string) => request(t.server).post('/introspect').auth(clientId, secret).type('form').send({ token: 'not-a-token' });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(ProvisioningService).importDocument({ clients: [{ ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] }] });
    const res = await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' });
    expect(res.status).toBe(200);
    adminToken = res.body.access_token;
  });
  afterAll(() => t.close());

  it('stores a secret the server generates (admin API, CLI) in the fast format, which authenticates', async () => {
    const created = await request(t.server).post('/admin/clients').set('Authorization', `Bearer ${adminToken}`).send({ client_id: 'svc-generated', scopes: ['api'], grant_types: ['client_credentials'] });
    expect(created.status).toBe(201);
    const secret = created.body.client_secret as string;
    expect(await secretHashOf('svc-generated')).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    expect((await introspect('svc-generated', secret)).status).toBe(200);
    expect((await introspect('svc-generated', `${secret}x`)).status).toBe(401);

    const rotated = await request(t.server).post('/admin/clients/svc-generated/secret').set('Authorization', `Bearer ${adminToken}`).send({});
    expect(rotated.status).toBe(200);
    expect(await secretHashOf('svc-generated')).toMatch(/^sha256\$/);
    expect((await introspect('svc-generated', rotated.body.client_secret as string)).status).toBe(200);
    expect((await introspect('svc-generated', secret)).status).toBe(401);
  });

  it('keeps a chosen secret on scrypt', async () => {
    const created = await request(t.server).post('/admin/clients').set('Authorization', `Bearer ${adminToken}`)
      .send({ client_id: 'svc-chosen', client_secret: 'a-chosen-secret-9', scopes: ['api'], grant_types: ['client_credentials'] });
    expect(created.status).toBe(201);
    expect(await secretHashOf('svc-chosen')).toMatch(/^scrypt\$/);
    expect((await introspect('svc-chosen', 'a-chosen-secret-9')).status).toBe(200);
    expect(await secretHashOf('svc-chosen')).toMatch(/^scrypt\$/);
  });

  it('replaces the scrypt hash of a generated-looking secret with the fast one at its first successful check, and it still works', async () => {
    const secret = generateSecret();
    // As every secret was stored before the fast format: scrypt.
    await seedClient(t, { client_id: 'legacy-generated', client_secret: secret });
    const legacy = await secretHashOf('legacy-generated');
    expect(legacy).toMatch(/^scrypt\$/);

    // A wrong secret changes nothing.
    expect((await introspect('legacy-generated', generateSecret())).status).toBe(401);
    expect(await secretHashOf('legacy-generated')).toBe(legacy);

    expect((await introspect('legacy-generated', secret)).status).toBe(200);
    const upgraded = await secretHashOf('legacy-generated');
    expect(upgraded).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    expect((await introspect('legacy-generated', secret)).status).toBe(200);
    expect((await request(t.server).post('/token').auth('legacy-generated', secret).type('form').send({ grant_type: 'client_credentials' })).status).toBe(200);
    expect((await introspect('legacy-generated', generateSecret())).status).toBe(401);
    expect(await secretHashOf('legacy-generated')).toBe(upgraded);
  });
});
