import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastify, { FastifyInstance } from 'fastify';
import { TEST_AUDIENCE, TestIssuer } from '../testing/test-issuer';
import { createTokenVerifier } from '../token-verifier';
import type { TokenVerifier } from '../verified-token';
import { bearerMiddleware, RequestWithAccessToken } from './express-bearer.middleware';
import { bearerPreHandler } from './fastify-bearer.hook';

/**
 * Both adapters against a real verifier and test issuer. Express itself is not a dependency: the
 * middleware is driven by node:http, which hands it the same req/res objects Express extends.
 */
describe('bearer middlewares', () => {
  let idp: TestIssuer;
  let verifier: TokenVerifier;
  let valid: string;
  let readOnly: string;
  let revoked: string;

  beforeAll(async () => {
    idp = await TestIssuer.start();
    idp.lists.set('mw', { bits: 1, statuses: [0, 1], ttl: 60 });
    verifier = createTokenVerifier({ issuer: idp.issuer, audience: TEST_AUDIENCE, allowedOrigins: [idp.origin] });
    valid = await idp.tokenWithStatus('mw', 0, { scope: 'orders:read orders:write' });
    readOnly = await idp.tokenWithStatus('mw', 0, { scope: 'orders:read' });
    revoked = await idp.tokenWithStatus('mw', 1, { scope: 'orders:read orders:write' });
  });
  afterAll(() => idp.close());

  describe('bearerMiddleware (Express shape)', () => {
    let server: Server;
    let url: string;

    beforeAll(async () => {
      const middleware = bearerMiddleware(verifier, { scopes: ['orders:write'], realm: 'orders' });
      const failing = bearerMiddleware({ verify: async () => Promise.reject(new TypeError('bug')) });
      server = createServer((req: RequestWithAccessToken, res) => {
        const use = req.url === '/failing' ? failing : middleware;
        use(req, res, (err?: unknown) => {
          if (err) return void res.writeHead(500).end(String(err));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: req.accessToken!.payload.sub, scopes: req.accessToken!.scopes }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const get = (path: string, authorization?: string) => fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });

    it('passes a valid token with the scope, putting it on req.accessToken', async () => {
      const res = await get('/orders', `Bearer ${valid}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sub: 'user-1', scopes: ['orders:read', 'orders:write'] });
    });

    it('answers 401 with a bare challenge without a token, and 401 invalid_token for a revoked one', async () => {
      const none = await get('/orders');
      expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="orders"']);
      const res = await get('/orders', `Bearer ${revoked}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="orders", error="invalid_token", error_description="The access token has been revoked."');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });
    });

    it('answers 403 insufficient_scope naming the scope, and 400 to a malformed header', async () => {
      const res = await get('/orders', `Bearer ${readOnly}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain('scope="orders:write"');
      expect((await get('/orders', 'Bearer a b')).status).toBe(400);
    });

    it('hands an unexpected error to the error handler rather than letting the request through', async () => {
      const res = await get('/failing', `Bearer ${valid}`);
      expect([res.status, await res.text()]).toEqual([500, 'TypeError: bug']);
    });
  });

  describe('bearerPreHandler (Fastify)', () => {
    let app: FastifyInstance;

    beforeAll(async () => {
      app = fastify();
      app.get('/orders', { preHandler: bearerPreHandler(verifier, { scopes: ['orders:write'], realm: 'orders' }) }, async (request) => ({
        sub: (request as unknown as RequestWithAccessToken).accessToken!.payload.sub,
      }));
      await app.ready();
    });
    afterAll(() => app.close());

    const get = (authorization?: string) => app.inject({ method: 'GET', url: '/orders', headers: authorization ? { authorization } : {} });

    it('passes a valid token with the scope, putting it on request.accessToken', async () => {
      const res = await get(`Bearer ${valid}`);
      expect([res.statusCode, res.json()]).toEqual([200, { sub: 'user-1' }]);
    });

    it('answers 401 and 403 with the WWW-Authenticate challenge', async () => {
      const none = await get();
      expect([none.statusCode, none.headers['www-authenticate']]).toEqual([401, 'Bearer realm="orders"']);
      const bad = await get('Bearer not.a.token');
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token", error_description="The access token is not valid: /);
      expect(bad.json()).toMatchObject({ error: 'invalid_token' });
      const scope = await get(`Bearer ${readOnly}`);
      expect(scope.statusCode).toBe(403);
      expect(scope.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(scope.json()).toMatchObject({ error: 'insufficient_scope' });
    });
  });
});
