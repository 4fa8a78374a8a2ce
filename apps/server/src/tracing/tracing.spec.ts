import { trace } from '@opentelemetry/api';
import { startTracing, tracingEnabled } from './tracing';

describe('tracingEnabled (standard OTEL_* variables)', () => {
  it('is off by default', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_SERVICE_NAME: 'auth' })).toBe(false);
  });

  it('is on with an OTLP exporter or endpoint', () => {
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'console, OTLP' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  });

  it('stays off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    expect(tracingEnabled({ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(tracingEnabled({ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  });

  it('startTracing registers nothing when off, and an exporting provider when on', async () => {
    expect(await startTracing({})).toBeUndefined();
    expect(trace.getTracer('x').startSpan('off').isRecording()).toBe(false);
    // The SDK reads its settings (service name, endpoint) from the process environment itself.
    process.env.OTEL_SERVICE_NAME = 'auth-test';
    const stop = await startTracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }).finally(() => delete process.env.OTEL_SERVICE_NAME);
    expect(stop).toBeInstanceOf(Function);
    const span = trace.getTracer('x').startSpan('on');
    expect(span.isRecording()).toBe(true);
    expect((span as unknown as { resource: { attributes: Record<string, unknown> } }).resource.attributes['service.name']).toBe('auth-test');
    await stop!();
    trace.disable();
  });
});
