// Reference for bench/run.mjs and bench/instructions.mjs: a NestJS route shaped like this server's
// status check (GET revokedSris/{id}) that does none of its work. Same adapter settings, the
// same five guards (two global, three on the route) each answering true at once, the same three
// handler parameters, the Cache-Control decorator, the same response headers set in an onRequest
// hook, an onSend hook and two onResponse hooks (metrics and audit, here empty), a global
// exception filter, a request id per request, and half the answers a 404 with a constant body.
// What it costs is the framework's share of a status check: the floor no work of ours can go under.
// Started as a child process: PORT, HOST, SERVER_DIST from the environment; prints READY <port>.
require('reflect-metadata');
const { join } = require('node:path');
const { Catch, Controller, Get, Header, Module, Param, Query, Res, UseGuards } = require('@nestjs/common');
const { APP_FILTER, APP_GUARD, NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

// The server's own headers, request ids and serializer, from the build under test (SERVER_DIST;
// both bench commands build first): the reference follows the server when they change.
const dist = (path) => require(join(process.env.SERVER_DIST ?? join(__dirname, '..', '..', 'dist'), path));
const { API_SECURITY_HEADERS } = dist('apps/server/src/http/security-headers');
const { REQUEST_ID_HEADER, requestIdOf } = dist('apps/server/src/http/request-id/request-id');
const { fixedBody, replySerializer } = dist('libs/common/src/http/fixed-body');

const API_HEADERS = Object.entries(API_SECURITY_HEADERS);
const NOT_REVOKED = fixedBody({ resultId: 'session_mgmt_sri_not_revoked', message: 'The SRI has not been revoked.' });

// Decorators applied by hand: this file runs as it is, without a TypeScript build.
const decorateClass = (decorators, target) => Reflect.decorate(decorators, target);
const decorateMethod = (decorators, proto, key) => Reflect.decorate(decorators, proto, key, Object.getOwnPropertyDescriptor(proto, key));
const param = (index, decorator) => (target, key) => decorator(target, key, index);
// A class each: Nest keys guards and providers by class.
const passingGuard = () => class { canActivate() { return true; } };

const [GlobalGuardA, GlobalGuardB, ClientAuthGuard, PermissionGuard] = [1, 2, 3, 4].map(passingGuard);
class XsrfGuard {
  canActivate(context) {
    return typeof context.switchToHttp().getRequest().headers['x-xsrf-header'] === 'string';
  }
}

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
  const adapter = new FastifyAdapter({ routerOptions: { maxParamLength: 4096 }, requestIdHeader: false, genReqId: requestIdOf });
  const fastify = adapter.getInstance();
  fastify.setReplySerializer(replySerializer);
  fastify.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of API_HEADERS) reply.header(name, value);
    reply.header(REQUEST_ID_HEADER, request.id);
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
