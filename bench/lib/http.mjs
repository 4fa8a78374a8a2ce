// A small keep-alive HTTP client for seeding, probing and timing single calls (not for load:
// autocannon does that).
import http from 'node:http';
import net from 'node:net';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request. `body` may be a string, a Buffer, or an object (sent as JSON). Resolves with
 * { status, headers, text, json, ms } where ms is the time from sending to the last byte.
 */
export function request(port, method, path, { headers = {}, body, timeoutMs = 30_000, host = '127.0.0.1', useAgent = agent } = {}) {
  return new Promise((resolve, reject) => {
    let payload = body;
    const h = { ...headers };
    if (payload !== undefined && typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      payload = JSON.stringify(payload);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const started = process.hrtime.bigint();
    const req = http.request({ host, port, method, path, headers: h, agent: useAgent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, ms });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export const form = (params) => new URLSearchParams(params).toString();

/** Polls GET path until it answers 200; resolves with the ms elapsed since `sinceNs` (hrtime). */
export async function waitFor200(port, path, { sinceNs, timeoutMs = 60_000, child, intervalMs = 10 } = {}) {
  const start = sinceNs ?? process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  const fresh = new http.Agent({ keepAlive: false });
  while (Date.now() < deadline) {
    if (child?.exited) throw new Error(`${child.name} exited with code ${child.exitCode} before ${path} answered 200`);
    try {
      const r = await request(port, 'GET', path, { timeoutMs: 2000, useAgent: fresh });
      if (r.status === 200) return Number(process.hrtime.bigint() - start) / 1e6;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`GET ${path} on port ${port} did not answer 200 within ${timeoutMs} ms`);
}

export function destroyAgent() {
  agent.destroy();
}

/** A port nobody listens on right now, on loopback. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}
