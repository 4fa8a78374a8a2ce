import { Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TEST_AUDIENCE, TestIssuer } from '../testing/test-issuer';
import type { VerifiedToken } from '../verified-token';
import { AllowAnonymous } from './allow-anonymous.decorator';
import { RequireScopes } from './require-scopes.decorator';
import { ResourceServerModule } from './resource-server.module';
import { VerifiedAccessToken } from './verified-access-token.decorator';

@Controller('orders')
class OrdersController {
  @Get('health')
  @AllowAnonymous()
  health() {
    return { ok: true };
  }

  @Get('mine')
  mine(@VerifiedAccessToken() token: VerifiedToken) {
    return { sub: token.payload.sub };
  }

  @Get()
  @RequireScopes('orders:read')
  list() {
    return [];
  }

  @Post()
  @RequireScopes('orders:write')
  create() {
    return { created: true };
  }
}

@Controller('admin')
@RequireScopes('admin')
class AdminController {
  @Get()
  @RequireScopes('orders:read')
  overview(@VerifiedAccessToken() token: VerifiedToken) {
    return { scopes: token.scopes };
  }
}

describe('ResourceServerModule (Nest on Fastify)', () => {
  let idp: TestIssuer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    idp = await TestIssuer.start();
    idp.lists.set('nest', { bits: 1, statuses: [0, 1], ttl: 60 });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await idp.close();
  });

  async function start(module: unknown): Promise<string> {
    const app = await NestFactory.create(module as never, new FastifyAdapter(), { logger: false });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return app.getUrl();
  }

  const call = (url: string, method: string, token?: string) => fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  describe('forRoot: every route protected unless it allows anonymous access', () => {
    let url: string;

    beforeAll(async () => {
      @Module({
        imports: [ResourceServerModule.forRoot({ issuer: idp.issuer, audience: TEST_AUDIENCE, allowedOrigins: [idp.origin], realm: 'orders' })],
        controllers: [OrdersController, AdminController],
      })
      class AppModule {}
      url = await start(AppModule);
    });

    it('lets anonymous requests reach @AllowAnonymous() routes only', async () => {
      expect((await call(`${url}/orders/health`, 'GET')).status).toBe(200);
      const res = await call(`${url}/orders/mine`, 'GET');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      expect(await res.json()).toEqual({ error: 'missing_token', error_description: 'The request carries no bearer token.' });
    });

    it('hands the verified token to the handler', async () => {
      const res = await call(`${url}/orders/mine`, 'GET', await idp.tokenWithStatus('nest', 0, { sub: 'user-7' }));
      expect([res.status, await res.json()]).toEqual([200, { sub: 'user-7' }]);
    });

    it('answers 401 invalid_token to a revoked token and 403 insufficient_scope to a missing scope, with the challenge', async () => {
      const revoked = await call(`${url}/orders`, 'GET', await idp.tokenWithStatus('nest', 1));
      expect(revoked.status).toBe(401);
      expect(revoked.headers.get('www-authenticate')).toBe('Bearer realm="orders", error="invalid_token", error_description="The access token has been revoked."');
      expect(await revoked.json()).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });

      const reader = await idp.tokenWithStatus('nest', 0, { scope: 'orders:read' });
      expect((await call(`${url}/orders`, 'GET', reader)).status).toBe(200);
      const write = await call(`${url}/orders`, 'POST', reader);
      expect(write.status).toBe(403);
      expect(write.headers.get('www-authenticate')).toBe(
        'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope (orders:write).", scope="orders:write"',
      );
    });

    it("adds up a controller's and a handler's scopes", async () => {
      const reader = await idp.tokenWithStatus('nest', 0, { scope: 'orders:read' });
      const res = await call(`${url}/admin`, 'GET', reader);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="orders:read admin"');
      const admin = await idp.tokenWithStatus('nest', 0, { scope: 'admin orders:read' });
      expect(await (await call(`${url}/admin`, 'GET', admin)).json()).toEqual({ scopes: ['admin', 'orders:read'] });
    });
  });

  describe('forRootAsync with protectAllRoutes: false', () => {
    let url: string;

    beforeAll(async () => {
      @Module({
        imports: [
          ResourceServerModule.forRootAsync({
            protectAllRoutes: false,
            useFactory: () => ({ issuer: idp.issuer, audience: TEST_AUDIENCE, allowedOrigins: [idp.origin] }),
          }),
        ],
        controllers: [OrdersController],
      })
      class AppModule {}
      url = await start(AppModule);
    });

    it('leaves undecorated routes open, and @RequireScopes routes protected all the same', async () => {
      expect((await call(`${url}/orders/health`, 'GET')).status).toBe(200);
      expect((await call(`${url}/orders`, 'GET')).status).toBe(401);
      expect((await call(`${url}/orders`, 'GET', await idp.tokenWithStatus('nest', 0))).status).toBe(200);
    });
  });
});
