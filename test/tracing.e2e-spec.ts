import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { NotificationSender } from '@app/sessions';
import type { NotificationOutboxEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import { REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

/** Spans of the trace `traceId`, once `count` of them have ended (bounded wait). */
async function spansOf(exporter: InMemorySpanExporter, traceId: string, count: number): Promise<ReadableSpan[]> {
  const until = Date.now() + 3000;
  for (;;) {
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    if (spans.length >= count || Date.now() > until) return spans;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('OpenTelemetry tracing (OTEL_TRACES_EXPORTER=otlp)', () => {
  let t: TestApp;
  let provider: NodeTracerProvider;
  const exporter = new InMemorySpanExporter();
  const saved = process.env.OTEL_TRACES_EXPORTER;

  beforeAll(async () => {
    // What main.ts registers from the OTEL_* variables, with an in-memory exporter instead of OTLP.
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    t = await startTestApp();
    await seedClient(t, SEED_CLIENT);
  });
  afterAll(async () => {
    await t?.close();
    if (saved === undefined) delete process.env.OTEL_TRACES_EXPORTER;
    else process.env.OTEL_TRACES_EXPORTER = saved;
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('a SERVER span per request, named by route pattern, continuing the caller\'s traceparent', async () => {
    await request(t.server).get(`${REVOKED_SRIS}/not-listed-1`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')
      .set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).set('X-Request-Id', 'trace-req-1').expect(404);
    const [server] = (await spansOf(exporter, TRACE_ID, 1)).filter((s) => s.kind === SpanKind.SERVER);
    expect(server).toBeDefined();
    expect(server.name).toBe(`GET ${REVOKED_SRIS}/:id`);
    expect(parentOf(server)).toBe(PARENT_ID);
    expect(server.attributes).toMatchObject({ 'http.route': `${REVOKED_SRIS}/:id`, 'http.response.status_code': 404, 'http.request.method': 'GET', 'http.request.id': 'trace-req-1' });
    expect(JSON.stringify(server.attributes)).not.toContain('not-listed-1');
  });

  it('store transactions are child spans of the request that ran them', async () => {
    const traceId = 'a'.repeat(32);
    await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')
      .set('traceparent', `00-${traceId}-${'b'.repeat(16)}-01`).set('Content-Type', 'application/json').send({ id: 'traced-sri-1' }).expect(201);
    const spans = await spansOf(exporter, traceId, 2);
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const store = spans.filter((s) => s.name === 'store.transaction');
    expect(server.attributes['http.response.status_code']).toBe(201);
    expect(store.length).toBeGreaterThanOrEqual(1);
    for (const s of store) {
      expect(parentOf(s)).toBe(server.spanContext().spanId);
      expect(s.attributes['db.system']).toBe(process.env.TEST_DATABASE_URL ? 'postgresql' : 'sqlite');
    }
  });

  it('a 5xx marks the request span as an error', async () => {
    const traceId = 'c'.repeat(32);
    await t.dataSource.destroy();
    try {
      await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')
        .set('traceparent', `00-${traceId}-${'d'.repeat(16)}-01`).set('Content-Type', 'application/json').send({ id: 'traced-sri-2' }).expect(503);
    } finally {
      await t.dataSource.initialize();
    }
    const server = (await spansOf(exporter, traceId, 1)).find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
  });

  describe('outbound deliveries', () => {
    let receiver: Server;
    let url: string;
    const received: IncomingHttpHeaders[] = [];
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        received.push(req.headers);
        req.resume().on('end', () => res.writeHead(204).end());
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
    });
    afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

    it('a CLIENT span per attempt, whose trace context the receiver gets in traceparent', async () => {
      const row = {
        id: 'n-1', kind: 'backchannel_logout', targetUrl: url, clientId: SEED_CLIENT.client_id, status: 'pending', attempts: 0, createdAt: Date.now(),
        payload: { sub: 'u-1', sid: 's-1', event_timestamp: Math.floor(Date.now() / 1000), initiating_entity: 'admin', reason: 'test' },
      } as Partial<NotificationOutboxEntity> as NotificationOutboxEntity;
      const result = await t.app.get(NotificationSender).send(row);
      expect(result).toEqual({ ok: true, status: 204 });
      const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.name === 'POST backchannel_logout')!;
      expect(client).toBeDefined();
      expect(client.attributes).toMatchObject({ 'http.response.status_code': 204, 'notification.kind': 'backchannel_logout', 'notification.attempt': 1 });
      const traceparent = received.at(-1)!.traceparent;
      expect(traceparent).toBe(`00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
    });
  });
});
