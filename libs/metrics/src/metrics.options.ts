/** Options of MetricsModule.forRoot. */
export interface MetricsOptions {
  /** Serve GET /metrics and collect request metrics (METRICS_ENABLED). Default true. */
  enabled?: boolean;
  /** Bearer token a scrape must present (METRICS_TOKEN); undefined: the endpoint is open. */
  token?: string;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
