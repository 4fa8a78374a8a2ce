import type { Registry } from 'prom-client';

interface Series {
  readonly labels: Readonly<Record<'method' | 'route' | 'status', string>>;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly buckets: number[];
}

/** One sample as prom-client's Registry prints it. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric (registerMetric, metrics(), getMetricsAsJSON(), resetMetrics()). */
interface RegisteredMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }>;
  reset(): void;
}

/**
 * The request counter and latency histogram of every answer, by method, route pattern and status.
 *
 * Why not prom-client's Counter and Histogram: each of their observations builds, validates and
 * hashes a labels object, which cost as much as a fifth of a status check. Here one series is
 * found by a string key and updated in place; prom-client's Registry still prints the two
 * metrics, in its own format, from what `get()` returns at scrape time.
 */
export class HttpRequestMetrics {
  /** In first-seen order, the order prom-client's Counter and Histogram print them in. */
  private readonly series: Series[] = [];
  /**
   * route → status → method → series. Nested maps, not one keyed by a string built per answer:
   * the route pattern and method strings come back as the same objects each time (their hashes
   * cached) and the status is a small integer, so an observation allocates nothing.
   */
  private readonly byRoute = new Map<string, Map<number, Map<string, Series>>>();

  constructor(private readonly upperBounds: readonly number[]) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    let byStatus = this.byRoute.get(route);
    if (!byStatus) this.byRoute.set(route, (byStatus = new Map()));
    let byMethod = byStatus.get(status);
    if (!byMethod) byStatus.set(status, (byMethod = new Map()));
    let s = byMethod.get(method);
    if (!s) {
      s = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: new Array<number>(this.upperBounds.length + 1).fill(0) };
      byMethod.set(method, s);
      this.series.push(s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < this.upperBounds.length && seconds > this.upperBounds[i]) i++;
    s.buckets[i]++;
  }

  /** Registers `{name}` (a counter of answers) and `{name}` (a latency histogram, seconds) in `registry`. */
  register(registry: Registry, counter: { name: string; help: string }, histogram: { name: string; help: string }): void {
    const metric = (type: RegisteredMetric['type'], m: { name: string; help: string }, values: () => Sample[]): RegisteredMetric => ({
      ...m, type, aggregator: 'sum',
      get: async () => ({ ...m, type, aggregator: 'sum', values: values() }),
      reset: () => {
        this.series.length = 0;
        this.byRoute.clear();
      },
    });
    registry.registerMetric(metric('counter', counter, () => this.series.map((s) => ({ labels: { ...s.labels }, value: s.count }))) as never);
    registry.registerMetric(metric('histogram', histogram, () => this.histogramSamples(histogram.name)) as never);
  }

  /** Cumulative `_bucket` samples with `le`, then `_sum` and `_count`, per series: what prom-client's Histogram prints. */
  private histogramSamples(name: string): Sample[] {
    const out: Sample[] = [];
    for (const s of this.series) {
      let cumulative = 0;
      for (let i = 0; i <= this.upperBounds.length; i++) {
        cumulative += s.buckets[i];
        out.push({ labels: { le: i < this.upperBounds.length ? this.upperBounds[i] : '+Inf', ...s.labels }, value: cumulative, metricName: `${name}_bucket` });
      }
      out.push({ labels: { ...s.labels }, value: s.sum, metricName: `${name}_sum` });
      out.push({ labels: { ...s.labels }, value: s.count, metricName: `${name}_count` });
    }
    return out;
  }
}
