// The load generator: autocannon as a library, bounded in time, loopback only.
import autocannon from 'autocannon';

/**
 * Runs one bounded load. `spec` is { port, requests: [{ method, path, headers, body }] } or
 * { port, dynamic: () => request } for a request that must differ every time (called for
 * every request, by every connection). Returns the figures the report uses.
 */
export async function runLoad(spec, { connections, durationS, timeoutS = 10 }) {
  const host = '127.0.0.1'; // loopback only, always
  let requests;
  if (spec.dynamic) {
    requests = [{ ...spec.dynamic(), setupRequest: (req) => ({ ...req, ...spec.dynamic() }) }];
  } else {
    requests = spec.requests.map((r) => ({ ...r }));
  }
  const result = await autocannon({
    url: `http://${host}:${spec.port}`,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: timeoutS,
    requests,
  });
  const codes = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) codes[code] = v.count;
  return {
    rps: result.requests.average,
    completed: result.requests.total,
    sent: result.requests.sent,
    durationS: result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
    throughputBytesPerS: result.throughput.average,
    statusCodes: codes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
