// Phase: global token revocation, time per call. One call per user, sizes interleaved, a fresh
// user every call, on a warm keep-alive connection; after each call the user's earlier access
// token must introspect inactive ("effective").
import { GTR, introspect, revokeUser } from '../lib/api.mjs';
import { liveChildren } from '../lib/children.mjs';
import { log, sleep } from '../lib/context.mjs';
import { cpuWindow } from '../lib/cpu.mjs';
import { waitForQuiet } from '../lib/measure.mjs';
import { sessionsFor } from '../lib/seed.mjs';
import { openServerStore } from '../lib/server.mjs';
import { median, round } from '../lib/stats.mjs';

async function liveSessionsOf(ctx, userId) {
  const s = await openServerStore(ctx);
  try {
    return Number((await s.query('SELECT COUNT(*) AS n FROM user_session WHERE user_id = ? AND revoked_at IS NULL', [userId]))[0].n);
  } finally {
    await s.close();
  }
}

/** Milliseconds until no session of `userId` is live in the store (the server's session watermark worker); null past 30 s. */
async function sessionsMarked(ctx, userId) {
  const started = Date.now();
  const s = await openServerStore(ctx);
  try {
    while (Date.now() - started < 30_000) {
      const [{ n }] = await s.query('SELECT COUNT(*) AS n FROM user_session WHERE user_id = ? AND revoked_at IS NULL', [userId]);
      if (Number(n) === 0) return Date.now() - started;
      await sleep(20);
    }
    return null;
  } finally {
    await s.close();
  }
}

async function calls(ctx) {
  const { cfg, results } = ctx;
  const out = { available: false, reason: null, sizes: {}, warmupMs: [] };
  results.globalRevocation = out;
  const warm = ctx.users.find((u) => u.role === 'gtr-warm');
  const probe = await revokeUser(ctx, warm.uid);
  if (probe.status !== 204) {
    out.reason = probe.status === 404 ? `not available (404 for POST ${GTR})` : `answered ${probe.status} ${probe.text.slice(0, 200)}`;
    log(`global revocation: ${out.reason}`);
    return;
  }
  out.available = true;
  for (let i = 0; i < 5; i++) out.warmupMs.push(round((await revokeUser(ctx, warm.uid)).ms, 3));
  for (const size of cfg.gtrSizes) out.sizes[size] = { tokens: size, sessions: sessionsFor(cfg, size), calls: [] };
  for (let rep = 0; rep < cfg.gtrReps; rep++) {
    await waitForQuiet(ctx, `global revocation repetition ${rep + 1}`);
    // Warm call (repeat of the warm-up user, idempotent): the client's verified secret is cached
    // again after a pause, so no call below pays for a scrypt verification.
    out.warmupMs.push(round((await revokeUser(ctx, warm.uid)).ms, 3));
    for (const size of cfg.gtrSizes) {
      const user = ctx.users.find((u) => u.role === 'gtr' && u.size === size && u.rep === rep);
      const liveBefore = await liveSessionsOf(ctx, user.id);
      const r = await revokeUser(ctx, user.uid);
      // Honesty check: the user's real access token, issued before the call, must now be inactive.
      const token = ctx.data.gtrTokens.get(user.uid);
      const after = token ? await introspect(ctx, token) : null;
      out.sizes[size].calls.push({ ms: round(r.ms, 3), status: r.status, tokenInactiveAfter: after ? after.active === false : null });
      // The answer comes after the watermark commits; the server then writes the sessions' rows
      // in the background. Waited for, so no call is measured while that write holds the store.
      const markedMs = await sessionsMarked(ctx, user.id);
      Object.assign(out.sizes[size].calls[out.sizes[size].calls.length - 1], { liveSessionsBefore: liveBefore, sessionsMarkedMs: markedMs });
      log(`global revocation ${String(size).padStart(7)} tokens (${liveBefore} live sessions): ${r.status} in ${r.ms.toFixed(1)} ms${after && after.active !== false ? '  (token still ACTIVE afterwards!)' : ''}; its sessions written ${markedMs ?? '?'} ms later`);
      await sleep(200);
    }
  }
  for (const s of Object.values(out.sizes)) {
    const ok = s.calls.filter((c) => c.status === 204);
    s.medianMs = median(ok.map((c) => c.ms));
    s.minMs = ok.length ? Math.min(...ok.map((c) => c.ms)) : null;
    s.maxMs = ok.length ? Math.max(...ok.map((c) => c.ms)) : null;
    s.failures = s.calls.length - ok.length;
    s.effective = s.calls.every((c) => c.tokenInactiveAfter !== false);
  }
}

export async function globalRevocation(ctx) {
  const cpuDone = cpuWindow(() => [process.pid, ...liveChildren().map((c) => c.pid)]);
  try {
    await calls(ctx);
  } finally {
    if (ctx.results.globalRevocation) ctx.results.globalRevocation.otherCpu = cpuDone().others;
  }
}
