import { Attributes, context, propagation, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';

/** The instrumentation scope of every span this server starts. */
export const TRACER_NAME = 'revocation-server';

/**
 * OpenTelemetry's tracer. Until a tracer provider is registered (apps/server/src/tracing, only
 * when OTEL_* variables configure an exporter; or a host's own SDK) it is the API's no-op one.
 */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `work` in a span, a child of the active one, active itself for what `work` starts; records
 * an exception and the error status when `work` throws, and always ends the span.
 */
export function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes }, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The W3C trace context (`traceparent`, `tracestate`) of the active span, for an outbound request; empty without a propagator. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
