// Phase: Shared Signals delivery of CAEP session-revoked SETs (docs/shared-signals.md). The
// primary server is restarted allowing pushes to loopback; bench-rs (the client of the sessions)
// gets a push stream (to a receiver in this process) and a poll stream (long-polled here).
// - Latency: a session signed in, then put on the revocation list (PF revokedSris); from that
//   answer to the SET at the push receiver, and to the SET in a poll answer. p50 / p99.
// - Rate: one user with many sessions revoked at once (global token revocation); SETs per second
//   from that answer until the push receiver has them all, and until polls have returned them all.
import http from 'node:http';
import { GTR, gtrBody, gtrHeaders, listSri, login, tokenCall } from '../lib/api.mjs';
import { log } from '../lib/context.mjs';
import { request } from '../lib/http.mjs';
import { primary, startServer, stopServer } from '../lib/server.mjs';
import { percentile, round } from '../lib/stats.mjs';

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
const sidOf = (set) => claims(set).sub_id?.session?.id;

/** A push receiver on loopback: the arrival time of each SET, by session. */
async function pushReceiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const sid = sidOf(Buffer.concat(chunks).toString('utf8'));
      if (sid && !arrivals.has(sid)) arrivals.set(sid, at);
      res.writeHead(202).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { arrivals, url: `http://127.0.0.1:${server.address().port}/ssf`, close: () => new Promise((r) => server.close(r)) };
}

/** Long polls the stream until stopped, acknowledging what it got: the time each SET was returned, by session. */
function poller(ctx, endpoint, token) {
  const arrivals = new Map();
  let stopped = false;
  const path = new URL(endpoint).pathname;
  const loop = (async () => {
    let ack = [];
    while (!stopped) {
      const r = await request(primary(ctx), 'POST', path, { headers: { authorization: `Bearer ${token}` }, body: { maxEvents: 100, returnImmediately: false, ack }, timeoutMs: 60_000 });
      const at = performance.now();
      if (r.status !== 200) throw new Error(`poll answered ${r.status} ${r.text.slice(0, 200)}`);
      ack = Object.keys(r.json.sets);
      for (const set of Object.values(r.json.sets)) {
        const sid = sidOf(set);
        if (sid && !arrivals.has(sid)) arrivals.set(sid, at);
      }
    }
  })();
  return { arrivals, stop: async () => { stopped = true; await loop.catch(() => undefined); } };
}

async function until(check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

const summary = (ms) => ({ samples: ms.length, p50: round(percentile(ms, 50), 1), p99: round(percentile(ms, 99), 1) });

export async function ssf(ctx) {
  const { cfg, results } = ctx;
  const user = ctx.users.find((u) => u.role === 'gtr-warm');
  const rx = await pushReceiver();
  let polls;
  try {
    await stopServer(ctx, 'primary');
    await startServer(ctx, 'primary', ctx.ports.primary, { OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', NOTIFICATION_POLL_INTERVAL_MS: '1000', SSF_POLL_MAX_WAIT: '20' });
    const token = (await tokenCall(ctx, { grant_type: 'client_credentials', scope: 'ssf.manage' })).access_token;
    const create = async (body) => {
      const r = await request(primary(ctx), 'POST', '/ssf/stream', { headers: { authorization: `Bearer ${token}` }, body: { events_requested: [SESSION_REVOKED], ...body } });
      if (r.status !== 201) throw new Error(`stream creation answered ${r.status} ${r.text.slice(0, 200)}`);
      return r.json;
    };
    await create({ delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: rx.url } });
    const poll = await create({});
    polls = poller(ctx, poll.delivery.endpoint_url, token);

    const samples = cfg.quick ? 20 : 100;
    const push = [];
    const polled = [];
    for (let i = 0; i < samples; i++) {
      const t = await login(ctx, user);
      const sid = claims(t.access_token).sid;
      const r = await listSri(ctx, t.sri);
      const answered = performance.now();
      if (r.status >= 300) throw new Error(`revokedSris answered ${r.status}`);
      if (!(await until(() => rx.arrivals.has(sid) && polls.arrivals.has(sid), 15_000))) throw new Error('a SET did not arrive within 15 s');
      push.push(rx.arrivals.get(sid) - answered);
      polled.push(polls.arrivals.get(sid) - answered);
    }

    const burst = cfg.quick ? 50 : 200;
    const sids = [];
    for (let i = 0; i < burst; i++) sids.push(claims((await login(ctx, user)).access_token).sid);
    const r = await request(primary(ctx), 'POST', GTR, { headers: gtrHeaders(ctx), body: gtrBody(user.uid) });
    const answered = performance.now();
    if (r.status !== 204) throw new Error(`global token revocation answered ${r.status}`);
    const pushDone = await until(() => sids.every((s) => rx.arrivals.has(s)), 120_000);
    const pushMs = Math.max(...sids.map((s) => rx.arrivals.get(s) ?? Infinity)) - answered;
    await until(() => sids.every((s) => polls.arrivals.has(s)), 120_000);
    const pollMs = Math.max(...sids.map((s) => polls.arrivals.get(s) ?? Infinity)) - answered;

    results.ssf = {
      available: true,
      pushLatencyMs: summary(push),
      pollLatencyMs: summary(polled),
      burst: { sets: burst, pushPerS: pushDone ? round(burst / (pushMs / 1000), 0) : null, pollPerS: Number.isFinite(pollMs) ? round(burst / (pollMs / 1000), 0) : null },
    };
    log(`SSF: push p50 ${results.ssf.pushLatencyMs.p50} ms p99 ${results.ssf.pushLatencyMs.p99} ms; poll p50 ${results.ssf.pollLatencyMs.p50} ms p99 ${results.ssf.pollLatencyMs.p99} ms; ${burst} SETs: push ${results.ssf.burst.pushPerS}/s, poll ${results.ssf.burst.pollPerS}/s`);
  } catch (err) {
    log(`SSF: ${err.message}`);
    results.ssf = { available: false, reason: `not measured: ${err.message.split('\n')[0].slice(0, 200)}` };
  } finally {
    await polls?.stop();
    await rx.close();
  }
}

/** The report lines (BENCHMARKS.md). */
export function ssfSection(L, s) {
  L.push('', '## Shared Signals: session-revoked SETs', '');
  if (!s?.available) {
    L.push(`- ${s?.reason ?? 'not measured'}`);
    return;
  }
  L.push('| From the revocation\'s answer to the SET | p50 | p99 | samples |', '|---|---|---|---|');
  L.push(`| at a push receiver (RFC 8935) | ${s.pushLatencyMs.p50} ms | ${s.pushLatencyMs.p99} ms | ${s.pushLatencyMs.samples} |`);
  L.push(`| in a long poll's answer (RFC 8936) | ${s.pollLatencyMs.p50} ms | ${s.pollLatencyMs.p99} ms | ${s.pollLatencyMs.samples} |`);
  L.push('', `${s.burst.sets} sessions of one user ended by one global token revocation: ${s.burst.pushPerS ?? '?'} SETs/s pushed, ${s.burst.pollPerS ?? '?'} SETs/s returned by polls (100 per poll).`);
}
