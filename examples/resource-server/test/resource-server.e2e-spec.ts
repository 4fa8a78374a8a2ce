import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { decodeJwt } from 'jose';
import type { FastifyInstance } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashSecret } from '@app/auth';
import { UserRepository } from '@app/store';
import { runCli } from '../../../apps/cli/src/cli';
import { createTokenVerifier, TokenVerifierOptions } from '../../../libs/resource-server/src';
import { freePort } from '../../../test/support/built-server';
import { ClientFixture, passwordLogin, seedClient } from '../../../test/support/fixtures';
import { REVOKED_SRIS, SESSIONS, setSessionValidation, USERS } from '../../../test/support/session-mgmt';
import { startTestApp, TestApp } from '../../../test/support/test-app';
import { createFastifyOrdersApi } from '../src/fastify-orders-api';
import { createOrdersApi } from '../src/main';

/** STATUS_LIST_TTL of the server, and the kit's lower bound on it, so the APIs keep a list 1 s. */
const TTL_SECONDS = 1;
/** A revocation must reach the APIs within the list's ttl, plus a second for the feed and the rebuild. */
const DEADLINE_MS = (TTL_SECONDS + 1) * 1000;
const REVOKED = 'The access token has been revoked.';
const SUSPENDED = 'The access token is suspended.';
/** What the kit says of a reference token that introspection answers `active: false`. */
const NOT_ACTIVE = 'The access token is not active.';
const GLOBAL_TOKEN_REVOCATION = '/jans-auth/restv1/global-token-revocation';
const SCOPE = 'openid orders:read';

interface Login {
  uid: string;
  sub: string;
  sri: string;
  access_token: string;
  id_token: string;
  refresh_token: string;
}

interface RevocationPath {
  path: string;
  /** The client the revoked user signs in with; the control user always signs in with `rp`. */
  client?: () => ClientFixture;
  /** The refusal's error_description; default REVOKED (the status list says INVALID). */
  refusal?: string;
  /** Revokes the victim's token by this path; resolves with any other tokens the path must have ended too. */
  revoke(victim: Login): Promise<string[] | void>;
}

/**
 * The example API (examples/resource-server), both variants, in front of the real revocation
 * server: each revocation path must make the API refuse the token within ttl + 1 s, while a
 * token of another user is still accepted. Nothing tells the API of a revocation: it sees it in
 * the status list it fetches again once its copy is a ttl old.
 */
describe('example resource server (examples/resource-server) against every revocation path', () => {
  let t: TestApp;
  let issuer: string;
  let nest: NestFastifyApplication;
  let fastify: FastifyInstance;
  let apis: { name: string; url: string }[];
  let adminToken: string;
  let gtrToken: string;
  /** Every user's password hash: one scrypt for all of them, rather than one per user. */
  let passwordHash: string;
  /** A token of a user no case revokes, which the APIs must keep accepting throughout. */
  let control: Login;
  let n = 0;
  const rp: ClientFixture = { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'orders:read', 'orders:write'] };
  const shop: ClientFixture = { client_id: 'shop', client_secret: 'shop-secret-1', scopes: ['openid', 'orders:read'] };
  /** Issues reference (opaque) access tokens, which the APIs introspect. */
  const opaque: ClientFixture = { client_id: 'opaque', client_secret: 'opaque-secret-1', scopes: ['openid', 'orders:read'], access_token_format: 'reference' };
  /** The APIs' own client at the server, for introspection. */
  const ordersApi: ClientFixture = { client_id: 'orders-api', client_secret: 'orders-api-secret-1', grant_types: ['client_credentials'], scopes: [] };
  const mgmt: ClientFixture = { client_id: 'mgmt', client_secret: 'mgmt-secret-1', session_management_api: true, session_revocation_api: true };

  const orders = (url: string, token: string) => request(url).get('/orders').set('Authorization', `Bearer ${token}`);
  const pingFederate = (path: string) => request(t.server).post(path).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'PingFederate');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A new user and one password login (access, ID and refresh tokens, the session's SRI). */
  async function login(client: ClientFixture = rp): Promise<Login> {
    const uid = `user-${++n}`;
    const sub = randomUUID();
    await t.app.get(UserRepository).upsert({ id: sub, passwordHash }, { uid });
    const res = await passwordLogin(t, client, uid, 'a-password', SCOPE);
    expect(res.status).toBe(200);
    return { uid, sub, sri: decodeJwt(res.body.id_token as string)['pi.sri'] as string, ...(res.body as Pick<Login, 'access_token' | 'id_token' | 'refresh_token'>) };
  }

  async function expectAccepted(...tokens: string[]): Promise<void> {
    for (const api of apis) {
      for (const token of tokens) expect({ api: api.name, status: (await orders(api.url, token)).status }).toEqual({ api: api.name, status: 200 });
    }
  }

  /** Polls both APIs until they refuse the token; fails if either still accepts it DEADLINE_MS after the call. */
  async function expectRefusedWithinDeadline(token: string, description: string): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    await Promise.all(apis.map(async (api) => {
      for (;;) {
        const res = await orders(api.url, token);
        if (res.status !== 200) {
          expect({ api: api.name, status: res.status, body: res.body }).toEqual({ api: api.name, status: 401, body: { error: 'invalid_token', error_description: description } });
          expect(res.headers['www-authenticate']).toBe(`Bearer realm="orders", error="invalid_token", error_description="${description}"`);
          return;
        }
        if (Date.now() > deadline) throw new Error(`the ${api.name} API still accepts the token ${DEADLINE_MS} ms after the revocation answered`);
        await sleep(50);
      }
    }));
  }

  /** Polls both APIs until they accept the token again; fails if either still refuses it DEADLINE_MS after the call. */
  async function expectAcceptedWithinDeadline(token: string): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    await Promise.all(apis.map(async (api) => {
      for (;;) {
        const res = await orders(api.url, token);
        if (res.status === 200) return;
        if (Date.now() > deadline) throw new Error(`the ${api.name} API still refuses the token ${DEADLINE_MS} ms after the resumption answered (${res.status} ${res.text})`);
        await sleep(50);
      }
    }));
  }

  beforeAll(async () => {
    // The kit fetches the lists at the issuer's own origin: the server listens where its issuer says.
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ http: { issuer }, statusList: { ttl: TTL_SECONDS } });
    await t.app.listen(port, '127.0.0.1');

    await seedClient(t, rp);
    await setSessionValidation(t, rp.client_id, { check_session_revocation_status: true });
    await seedClient(t, shop);
    await seedClient(t, opaque);
    await seedClient(t, ordersApi);
    await seedClient(t, mgmt);
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret-1', grant_types: ['client_credentials'], scopes: ['admin'] });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret-1', grant_types: ['client_credentials'], scopes: ['global_token_revocation'] });
    const clientToken = async (id: string, secret: string, scope: string) =>
      (await request(t.server).post('/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials', scope }).expect(200)).body.access_token as string;
    adminToken = await clientToken('admin', 'admin-secret-1', 'admin');
    gtrToken = await clientToken('gtr', 'gtr-secret-1', 'global_token_revocation');
    passwordHash = await hashSecret('a-password');
    control = await login();

    const verifier: TokenVerifierOptions = {
      issuer, audience: issuer, allowedOrigins: [issuer], statusList: { minTtl: TTL_SECONDS },
      introspection: { endpoint: `${issuer}/introspect`, clientId: ordersApi.client_id, clientSecret: ordersApi.client_secret, cacheTtl: TTL_SECONDS },
    };
    nest = await createOrdersApi(verifier);
    await nest.listen(0, '127.0.0.1');
    fastify = createFastifyOrdersApi(createTokenVerifier(verifier));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    apis = [
      { name: 'Nest', url: await nest.getUrl() },
      { name: 'Fastify', url: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}` },
    ];
  });
  afterAll(async () => {
    await nest?.close();
    await fastify?.close();
    await t?.close();
  });

  describe('the example API', () => {
    it('answers health without a token, refuses a request without one (RFC 6750 challenge) and a token without the scope (403)', async () => {
      const { access_token } = control;
      for (const api of apis) {
        expect((await request(api.url).get('/health')).body).toEqual({ status: 'ok' });
        const anonymous = await request(api.url).get('/orders');
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="orders"');
        const unscoped = await request(api.url).post('/orders').set('Authorization', `Bearer ${access_token}`).send({ item: 'tea' });
        expect(unscoped.status).toBe(403);
        expect(unscoped.body.error).toBe('insufficient_scope');
        expect(unscoped.headers['www-authenticate']).toContain('scope="orders:write"');
      }
    });

    it('serves the caller\'s own orders, by the token\'s sub (a client\'s own token here: sub is the client)', async () => {
      const token = (await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form')
        .send({ grant_type: 'client_credentials', scope: 'orders:read orders:write' }).expect(200)).body.access_token as string;
      for (const api of apis) {
        const placed = await request(api.url).post('/orders').set('Authorization', `Bearer ${token}`).send({ item: `tea from ${api.name}` });
        expect(placed.status).toBe(201);
        expect((await orders(api.url, token)).body).toEqual([expect.objectContaining({ id: placed.body.id, item: `tea from ${api.name}` })]);
        expect((await request(api.url).get('/me').set('Authorization', `Bearer ${token}`)).body)
          .toEqual({ sub: 'rp', client_id: 'rp', scopes: ['orders:read', 'orders:write'] });
      }
    });
  });

  const paths: RevocationPath[] = [
    {
      path: 'RFC 7009 /revoke',
      revoke: async (v) => {
        await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: v.access_token, token_type_hint: 'access_token' }).expect(200);
      },
    },
    {
      path: 'RFC 7009 /revoke of a reference token (the APIs introspect it)',
      client: () => opaque,
      refusal: NOT_ACTIVE,
      revoke: async (v) => {
        await request(t.server).post('/revoke').auth(opaque.client_id, opaque.client_secret).type('form').send({ token: v.access_token }).expect(200);
      },
    },
    {
      path: 'a listed SRI (PingFederate Session Revocation API), for a client that checks the list',
      revoke: async (v) => {
        await pingFederate(REVOKED_SRIS).set('Content-Type', 'application/json').send({ id: v.sri }).expect(201);
      },
    },
    {
      path: 'end session (RP-Initiated Logout)',
      revoke: async (v) => {
        const res = await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: v.id_token })}`).redirects(0);
        expect(res.status).toBeLessThan(400);
      },
    },
    {
      path: 'global token revocation (Janssen)',
      revoke: async (v) => {
        await request(t.server).post(GLOBAL_TOKEN_REVOCATION).set('Authorization', `Bearer ${gtrToken}`).set('Content-Type', 'application/json')
          .send({ sub_id: { format: 'uid', id: v.uid } }).expect(204);
      },
    },
    {
      path: 'Session Management API: sessions/{sri}/revoke',
      revoke: async (v) => {
        await pingFederate(`${SESSIONS}/${encodeURIComponent(v.sri)}/revoke`).expect(200);
      },
    },
    {
      path: 'Session Management API: users/{userKey}/revoke',
      revoke: async (v) => {
        await pingFederate(`${USERS}/${encodeURIComponent(v.uid)}/revoke`).expect(200);
      },
    },
    {
      path: 'admin API: deleting the client the token was issued to',
      client: () => shop,
      revoke: async () => {
        await request(t.server).delete(`/admin/clients/${shop.client_id}`).set('Authorization', `Bearer ${adminToken}`).expect(204);
      },
    },
    {
      path: 'CLI: users revoke, from another process on the same store',
      revoke: async (v) => {
        const io = { stdout: () => undefined, stderr: (s: string) => { throw new Error(s); } };
        expect(await runCli(['users', 'revoke', '--uid', v.uid], io, { config: { store: t.config.store } })).toBe(0);
      },
    },
    {
      path: 'refresh-token reuse detection',
      revoke: async (v) => {
        const refresh = () => request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: v.refresh_token });
        const rotated = (await refresh().expect(200)).body.access_token as string;
        await expectAccepted(rotated);
        expect((await refresh()).body.error).toBe('invalid_grant');
        return [rotated];
      },
    },
    {
      path: 'admin API: deleting the user',
      revoke: async (v) => {
        await request(t.server).delete(`/admin/users/${v.sub}`).set('Authorization', `Bearer ${adminToken}`).expect(204);
      },
    },
  ];

  it.each(paths)('$path: refused within ttl + 1 s, a control token still accepted', async ({ client, refusal = REVOKED, revoke }) => {
    const victim = await login(client?.());
    // Both accepted first, so each API holds a copy of the list that still says VALID.
    await expectAccepted(victim.access_token, control.access_token);
    const alsoEnded = (await revoke(victim)) ?? [];
    await Promise.all([victim.access_token, ...alsoEnded].map((token) => expectRefusedWithinDeadline(token, refusal)));
    await expectAccepted(control.access_token);
  });

  it('user suspension: refused (suspended) within ttl + 1 s, and accepted again within ttl + 1 s of the resumption', async () => {
    const victim = await login();
    await expectAccepted(victim.access_token, control.access_token);
    await request(t.server).post(`/admin/users/${victim.sub}/suspend`).set('Authorization', `Bearer ${adminToken}`).expect(204);
    await expectRefusedWithinDeadline(victim.access_token, SUSPENDED);
    await expectAccepted(control.access_token);
    await request(t.server).post(`/admin/users/${victim.sub}/resume`).set('Authorization', `Bearer ${adminToken}`).expect(204);
    await expectAcceptedWithinDeadline(victim.access_token);
    await expectAccepted(control.access_token);
  });
});
