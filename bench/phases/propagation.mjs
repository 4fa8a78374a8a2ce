// Phase (PostgreSQL only): two server processes on one database. Revoke on A, poll B back to
// back; the delay runs from A's answer to B's first answer showing it.
import { randomBytes } from 'node:crypto';
import { PF, introspect, listSri, pfHeaders, revoke, rsAuth, tokenCall } from '../lib/api.mjs';
import { log, sleep } from '../lib/context.mjs';
import { freePort, request } from '../lib/http.mjs';
import { primary, startServer, stopServer } from '../lib/server.mjs';
import { percentile, round } from '../lib/stats.mjs';

/** The kinds of revocation measured: listing an SRI (when both its endpoints answer) and RFC 7009. */
function kindsOf(ctx, A, B) {
  const kinds = [];
  const { availability } = ctx.results;
  if (availability['srv.revokedSris.post']?.available && availability['srv.status']?.available) {
    kinds.push({
      key: 'sri', label: 'POST revokedSris on A → GET revokedSris/{id} 200 on B',
      prepare: async () => `bench-prop-${ctx.runId}-${randomBytes(6).toString('hex')}`,
      revoke: async (id) => listSri(ctx, id, A),
      revokedOk: (r) => r.status === 201,
      seen: async (id) => (await request(B, 'GET', `${PF}/${encodeURIComponent(id)}?updateActivityTime=false`, { headers: pfHeaders(ctx) })).status === 200,
    });
  }
  kinds.push({
    key: 'rfc7009', label: 'POST /revoke on A → POST /introspect inactive on B',
    prepare: async () => (await tokenCall(ctx, { grant_type: 'client_credentials', scope: 'api' }, rsAuth(ctx), A)).access_token,
    revoke: async (token) => revoke(ctx, token, A),
    revokedOk: (r) => r.status === 200,
    // Before the revocation, B must know the token as active, or the measurement would be meaningless.
    before: async (token) => (await introspect(ctx, token, B)).active === true,
    seen: async (token) => (await introspect(ctx, token, B)).active === false,
  });
  return kinds;
}

/** cfg.propagationSamples revocations of one kind; delays from A's answer, p50/p99. */
async function measureKind(ctx, k) {
  const samples = [];
  let failures = 0;
  for (let i = 0; i < ctx.cfg.propagationSamples; i++) {
    const item = await k.prepare();
    if (k.before && !(await k.before(item))) {
      failures++;
      continue;
    }
    if (k.seen && !k.before && (await k.seen(item))) {
      failures++;
      continue;
    }
    const sent = process.hrtime.bigint();
    const r = await k.revoke(item);
    const acked = process.hrtime.bigint();
    if (!k.revokedOk(r)) {
      failures++;
      continue;
    }
    let seenAt = null;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (await k.seen(item)) {
        seenAt = process.hrtime.bigint();
        break;
      }
    }
    if (seenAt === null) {
      failures++;
      samples.push({ fromAckMs: null, fromSendMs: null });
    } else {
      samples.push({ fromAckMs: Number(seenAt - acked) / 1e6, fromSendMs: Number(seenAt - sent) / 1e6 });
    }
    await sleep(Math.floor(Math.random() * 50));
  }
  const ok = samples.filter((s) => s.fromAckMs !== null);
  // A sample never seen within 5 s counts as 5000 ms, so a lost notification cannot hide.
  const delays = samples.map((s) => (s.fromAckMs === null ? 5000 : s.fromAckMs));
  return {
    label: k.label, samples: samples.length, failures, neverSeen: samples.length - ok.length,
    p50Ms: round(percentile(delays, 50), 2), p99Ms: round(percentile(delays, 99), 2), maxMs: round(Math.max(...delays), 2),
    p50FromSendMs: round(percentile(ok.map((s) => s.fromSendMs), 50), 2),
    raw: samples.map((s) => (s.fromAckMs === null ? null : round(s.fromAckMs, 3))),
  };
}

export async function propagation(ctx) {
  const { cfg, results } = ctx;
  const prop = { measured: false, reason: null, kinds: {} };
  results.propagation = prop;
  if (!cfg.databaseUrl) {
    prop.reason = 'needs DATABASE_URL=postgres://… (two processes share one PostgreSQL database)';
    return;
  }
  ctx.ports.secondary = await freePort();
  try {
    results.startup.secondary = { ms: round(await startServer(ctx, 'secondary', ctx.ports.secondary), 1) };
  } catch (err) {
    prop.reason = `second instance did not start: ${err.message.split('\n')[0]}`;
    return;
  }
  prop.measured = true;
  prop.redis = !!cfg.redisUrl;
  for (const k of kindsOf(ctx, primary(ctx), ctx.servers.secondary.port)) {
    prop.kinds[k.key] = await measureKind(ctx, k);
    log(`propagation ${k.key}: p50 ${prop.kinds[k.key].p50Ms} ms, p99 ${prop.kinds[k.key].p99Ms} ms (${prop.kinds[k.key].failures} failures)`);
  }
  await stopServer(ctx, 'secondary');
}
