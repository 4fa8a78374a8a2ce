import type { HelmetOptions } from 'helmet';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clientErrorHandler, ConfigOverrides, ErrorBodyShapes, frameworkErrorHandler, HttpConfig, loadServerConfig, parseFormBody, replySerializer, SERVER_CONFIG, ServerConfig, withOverrides,
} from '@app/common';
import { AppModule } from './app.module';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id/request-id';
import { API_SECURITY_HEADERS, HSTS_HEADER, HSTS_VALUE, htmlSecurityHeaders, upgradeToHtmlHeaders } from './http/security-headers';
import { setupSwagger } from './openapi/swagger';

export interface CreateAppOptions {
  config?: ConfigOverrides;
  logger?: LoggerService | false;
}

/**
 * Helmet's headers for the HTML pages (JSON answers carry API_SECURITY_HEADERS). Swagger UI at
 * /docs loads its scripts from this server and needs inline styles; the sign-in pages set a
 * stricter CSP of their own. No upgrade-insecure-requests: a plain-http deployment behind a
 * TLS proxy serves /docs too.
 */
const HELMET_OPTIONS: HelmetOptions = {
  // No page of this server is meant to be framed (clickjacking of the sign-in form).
  frameguard: { action: 'deny' },
  // Sent by the transport, not the content type: only on answers that came over TLS (HSTS_HEADER).
  strictTransportSecurity: false,
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
};

/** Builds the Fastify-based Nest application; main.ts and the e2e tests share it. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const { http } = withOverrides(loadServerConfig(), options.config);
  // The error body shapes the modules declare for their prefixes, known once the app is built.
  let errorBodies = ErrorBodyShapes.none;
  const adapter = new FastifyAdapter({
    bodyLimit: http.bodyLimit,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (request.ip, the audit log).
    trustProxy: trustProxyOption(http.trustProxy),
    // Duplicate JSON keys and prototype pollution attempts are refused while parsing.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Slow clients: a request must arrive whole within REQUEST_TIMEOUT, and an idle connection is
    // closed after it. Node checks request deadlines every connectionsCheckingInterval (30 s by default).
    requestTimeout: http.requestTimeout * 1000,
    connectionTimeout: http.requestTimeout * 1000,
    http: {
      requestTimeout: http.requestTimeout * 1000,
      headersTimeout: http.requestTimeout * 1000,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, http.requestTimeout * 250)),
    },
    // Errors raised before routing, and requests Node's HTTP parser refuses, answer JSON in the API's shape.
    frameworkErrors: (err: Error, request: unknown, reply: unknown) => frameworkErrorHandler(err, request as FastifyRequest, reply as FastifyReply, errorBodies),
    clientErrorHandler,
    // Fastify answers 414 past 100 characters; path parameters carry SRIs (255) and URL-encoded user keys (1024).
    routerOptions: { maxParamLength: 4096 },
    // request.id: the caller's X-Request-Id when sane, else a UUID; answered in X-Request-Id, in
    // the log of an unexpected error and in the audit line's request_id field.
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  // Bodies marked with fixedBody() (the hot paths' constant and per-token answers) are not serialized again.
  adapter.getInstance().setReplySerializer(replySerializer);
  // Nest's body parsers are off (bodyParser: false): JSON is Fastify's own parser, with the
  // poisoning checks above; forms are parseFormBody, which reads a form with nothing to decode
  // (a token) in half fast-querystring's time and gives the same answer otherwise.
  adapter.getInstance().addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(body as string));
  });
  // onRequest runs before routing, parsing and guards, so every answer carries these, errors included.
  const apiHeaders = Object.entries(API_SECURITY_HEADERS);
  const htmlHeaders = htmlSecurityHeaders(HELMET_OPTIONS);
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of apiHeaders) reply.header(name, value);
    if (request.protocol === 'https') reply.header(HSTS_HEADER, HSTS_VALUE);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  adapter.getInstance().addHook('onSend', (_request, reply, payload, done) => {
    upgradeToHtmlHeaders(reply, htmlHeaders);
    done(null, payload);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options.config), adapter, {
    logger: options.logger === undefined ? undefined : options.logger,
    bufferLogs: false,
    abortOnError: false,
    bodyParser: false,
  });
  errorBodies = ErrorBodyShapes.of(app);
  // Exit 0 once closed rather than re-raising the signal: as a container's PID 1, node would ignore its own re-raised SIGTERM.
  app.enableShutdownHooks([], { useProcessExit: true });
  // No CORS unless configured: without the headers, browsers refuse cross-origin calls.
  if (http.corsOrigins.length > 0) {
    app.enableCors({ origin: http.corsOrigins, methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type', 'X-XSRF-HEADER'], maxAge: 600 });
  }
  const config = app.get<ServerConfig>(SERVER_CONFIG);
  if (config.docs.enabled) setupSwagger(app, config);
  return app;
}

/**
 * A hop count means "the last N addresses are our proxies" (proxy-addr's meaning). Fastify 5.12
 * refuses numbers (a direct client can spoof hops), so the count is given as the function
 * older versions built from it; TRUST_PROXY documents that it is only for a proxy that
 * overwrites X-Forwarded-For.
 */
function trustProxyOption(setting: HttpConfig['trustProxy'] | undefined): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting ?? false;
}

export type App = INestApplication;
