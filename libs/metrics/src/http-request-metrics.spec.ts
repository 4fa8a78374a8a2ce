import { Counter, Histogram, Registry } from 'prom-client';
import { HttpRequestMetrics } from './http-request-metrics';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const COUNTER = { name: 'x_http_requests_total', help: 'Requests.' };
const HISTOGRAM = { name: 'x_http_request_duration_seconds', help: 'Latency.' };
const OBSERVATIONS: Array<[string, string, number, number]> = [
  ['GET', '/health', 200, 0.0004],
  ['GET', '/health', 200, 0.001], // on a bound: counted in that bucket (le is "less than or equal")
  ['GET', '/health', 200, 0.05],
  ['POST', '/token', 400, 2.5], // past the last bound: +Inf only
  ['GET', '(unmatched)', 404, 0.002],
  ['GET', '/health', 503, 0.0001],
];

describe('HttpRequestMetrics', () => {
  it('prints exactly what prom-client\'s Counter and Histogram print for the same answers', async () => {
    const ours = new Registry();
    const metrics = new HttpRequestMetrics(BOUNDS);
    metrics.register(ours, COUNTER, HISTOGRAM);

    const reference = new Registry();
    const labelNames = ['method', 'route', 'status'] as const;
    const counter = new Counter({ ...COUNTER, labelNames, registers: [reference] });
    const histogram = new Histogram({ ...HISTOGRAM, labelNames, buckets: BOUNDS, registers: [reference] });

    for (const [method, route, status, seconds] of OBSERVATIONS) {
      metrics.observe(method, route, status, seconds);
      counter.inc({ method, route, status: String(status) });
      histogram.observe({ method, route, status: String(status) }, seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('x_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/health",status="200"} 2');
    expect(text).toContain('x_http_requests_total{method="POST",route="/token",status="400"} 1');
  });

  it('starts over on the registry\'s reset, and prints no series before the first answer', async () => {
    const registry = new Registry();
    const metrics = new HttpRequestMetrics(BOUNDS);
    metrics.register(registry, COUNTER, HISTOGRAM);
    expect(await registry.metrics()).not.toMatch(/\{/);
    metrics.observe('GET', '/health', 200, 0.01);
    expect(await registry.metrics()).toContain('x_http_requests_total{method="GET",route="/health",status="200"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('route="/health"');
  });
});
