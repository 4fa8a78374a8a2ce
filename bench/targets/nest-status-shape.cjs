// Reference for bench/run.mjs and bench/instructions.mjs: a NestJS route shaped like this server's
// status check (GET revokedSris/{id}) that does none of its work. Same adapter settings, the
// same five guards (two global, three on the route) each answering true at once, the same three
// handler parameters, the Cache-Control decorator, the same response headers set in an onRequest
// hook, an onSend hook and two onResponse hooks (metrics and audit, here empty), a global
// exception filter, a request id per request, and half the answers a 404 with a constant body.
// What it costs is the framework's share of a status check: the floor no work of ours can go under.
// Started as a child process: PORT, HOST from the environment; prints READY <port>.
require('reflect-metadata');
const { randomUUID } = require('node:crypto');
const { Catch, Controller, Get, Header, Module, Param, Query, Res, UseGuards } = require('@nestjs/common');
const { APP_FILTER, APP_GUARD, NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

const API_HEADERS = Object.entries({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
// A constant body serialized once, as the server's fixedBody does.
const NOT_REVOKED = Object.freeze({ resultId: 'session_mgmt_sri_not_revoked', message: 'The SRI has not been revoked.' });
const FIXED = new WeakMap([[NOT_REVOKED, JSON.stringify(NOT_REVOKED)]]);
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

// Decorators applied by hand: this file runs as it is, without a TypeScript build.
const decorateClass = (decorators, target) => Reflect.decorate(decorators, target);
const decorateMethod = (decorators, proto, key) => Reflect.decorate(decorators, proto, key, Object.getOwnPropertyDescriptor(proto, key));
const param = (index, decorator) => (target, key) => decorator(target, key, index);
const passingGuard = () => decorateClass([], class { canActivate() { return true; } });

const [GlobalGuardA, GlobalGuardB, XsrfGuard, ClientAuthGuard, PermissionGuard] = [1, 2, 3, 4, 5].map(passingGuard);
XsrfGuard.prototype.canActivate = (context) => typeof context.switchToHttp().getRequest().headers['x-xsrf-header'] === 'string';

class CatchAll {
  catch(err, host) {
    const status = typeof err?.getStatus === 'function' ? err.getStatus() : 500;
    host.switchToHttp().getResponse().code(status).send({ resultId: status === 500 ? 'internal_error' : 'refused', message: 'Refused.' });
  }
}
decorateClass([Catch()], CatchAll);

class StatusController {
  async status(id, updateActivityTime, reply) {
    // The real route lists half the SRIs it is asked about: decided here by the id alone.
    if (id.charCodeAt(id.length - 1) % 2 === 0) return { id };
    reply.code(404);
    return NOT_REVOKED;
  }
}
decorateMethod([
  Get(':id'), UseGuards(XsrfGuard, ClientAuthGuard, PermissionGuard), Header('Cache-Control', 'no-store'),
  param(0, Param('id')), param(1, Query('updateActivityTime')), param(2, Res({ passthrough: true })),
], StatusController.prototype, 'status');
const Status = decorateClass([Controller('pf-ws/rest/sessionMgmt/revokedSris')], StatusController);
const App = decorateClass([Module({
  controllers: [Status],
  providers: [{ provide: APP_GUARD, useClass: GlobalGuardA }, { provide: APP_GUARD, useClass: GlobalGuardB }, { provide: APP_FILTER, useClass: CatchAll }],
})], class StatusShapeModule {});

(async () => {
  const adapter = new FastifyAdapter({
    routerOptions: { maxParamLength: 4096 },
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  fastify.setReplySerializer((payload) => FIXED.get(payload) ?? JSON.stringify(payload));
  fastify.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of API_HEADERS) reply.header(name, value);
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'text/html') reply.header('x-html', '1');
    done(null, payload);
  });
  fastify.addHook('onResponse', (_request, _reply, done) => done()); // metrics
  fastify.addHook('onResponse', (_request, _reply, done) => done()); // audit
  const app = await NestFactory.create(App, adapter, { logger: false, bodyParser: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
  process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
})();

const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
