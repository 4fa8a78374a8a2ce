// Reference for bench/instructions.mjs: NestJS on its Fastify adapter with one route answering the
// bare server's tiny JSON: what the framework itself costs per request, before any module of ours.
// Started as a child process: PORT, HOST from the environment; prints READY <port>.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

// Decorators applied by hand: this file runs as it is, without a TypeScript build.
class HelloController {
  status() {
    return { status: 'ok' };
  }
}
Reflect.decorate([Get()], HelloController.prototype, 'status', Object.getOwnPropertyDescriptor(HelloController.prototype, 'status'));
const Hello = Reflect.decorate([Controller()], HelloController);
const App = Reflect.decorate([Module({ controllers: [Hello] })], class HelloModule {});

(async () => {
  const app = await NestFactory.create(App, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
  process.stdout.write(`READY ${app.getHttpServer().address().port}\n`);
})();

const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
