import request from 'supertest';
import { ClientFixture, seedClient } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const RS_URI = 'https://orders.example.com';
const OWNER: ClientFixture = { client_id: 'owner', client_secret: 'owner-secret-0123456789', grant_types: ['client_credentials', 'refresh_token'], resources: [RS_URI] };
/** A resource server whose client id is the resource URI its tokens are minted for. */
const NAMED_RS: ClientFixture = { client_id: RS_URI, client_secret: 'named-rs-secret-0123456789', grant_types: ['client_credentials'] };
const LISTED_RS: ClientFixture = { client_id: 'gateway', client_secret: 'gateway-secret-0123456789', grant_types: ['client_credentials'] };
const STRANGER: ClientFixture = { client_id: 'stranger', client_secret: 'stranger-secret-0123456789', grant_types: ['client_credentials'] };

/** client_secret_basic as RFC 6749 §2.3.1 has it: id and secret form-encoded first (a URI client id holds colons). */
const basic = (c: ClientFixture) => `Basic ${Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64')}`;

async function tokenOf(t: TestApp, c: ClientFixture, resource?: string): Promise<string> {
  const res = await request(t.server).post('/token').set('Authorization', basic(c)).type('form').send({ grant_type: 'client_credentials', ...(resource ? { resource } : {}) }).expect(200);
  return res.body.access_token;
}

async function introspectAs(t: TestApp, c: ClientFixture, token: string) {
  const res = await request(t.server).post('/introspect').set('Authorization', basic(c)).type('form').send({ token }).expect(200);
  return res.body as { active: boolean; client_id?: string };
}

describe('INTROSPECTION_POLICY=restricted', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ introspection: { policy: 'restricted', clients: [LISTED_RS.client_id] } });
    for (const c of [OWNER, NAMED_RS, LISTED_RS, STRANGER]) await seedClient(t, c);
  });
  afterAll(async () => { await t.close(); });

  it('answers the token\'s own client, a client its aud names and a listed client; any other client learns nothing', async () => {
    const forRs = await tokenOf(t, OWNER, RS_URI);
    expect(await introspectAs(t, OWNER, forRs)).toMatchObject({ active: true, client_id: 'owner' });
    expect(await introspectAs(t, NAMED_RS, forRs)).toMatchObject({ active: true, client_id: 'owner' });
    expect(await introspectAs(t, LISTED_RS, forRs)).toMatchObject({ active: true, client_id: 'owner' });
    expect(await introspectAs(t, STRANGER, forRs)).toEqual({ active: false });

    // Without a resource the aud is the issuer: only the owner and the listed client see it.
    const plain = await tokenOf(t, OWNER);
    expect(await introspectAs(t, NAMED_RS, plain)).toEqual({ active: false });
    expect(await introspectAs(t, LISTED_RS, plain)).toMatchObject({ active: true });
  });
});

describe('INTROSPECTION_POLICY=any (the default) and DOCS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ docs: { enabled: false } });
    for (const c of [OWNER, STRANGER]) await seedClient(t, c);
  });
  afterAll(async () => { await t.close(); });

  it('lets any authenticated client introspect any token (RFC 7662 §4)', async () => {
    const token = await tokenOf(t, OWNER, RS_URI);
    expect(await introspectAs(t, STRANGER, token)).toMatchObject({ active: true, client_id: 'owner' });
  });

  it('serves neither Swagger UI nor the OpenAPI document when turned off', async () => {
    for (const path of ['/docs', '/docs-json', '/docs/swagger-ui-bundle.js']) {
      const res = await request(t.server).get(path);
      expect([path, res.status, res.body]).toEqual([path, 404, { error: 'not_found', error_description: 'No such endpoint.' }]);
    }
  });
});
