// Phase: sign-in capacity. Password grants from far more connections than the server has
// hashing slots (HASH_CONCURRENCY, at its default), each a different user, for a fixed time,
// each connection waiting the Retry-After of a refusal before its next sign-in (as a client
// should; a flood that ignores it is load of another kind), while two connections run status checks: sign-ins per second that got a token (the hashing
// capacity), how the rest were answered (503 with Retry-After), the slowest answer, and the
// status check's latency meanwhile. Keycloak documents about 15 password logins per second per
// vCPU; scrypt at N=2^17 is the dearer hash.
import http from 'node:http';
import { cpus } from 'node:os';
import { PF, formHeaders, pfHeaders, rsAuth } from '../lib/api.mjs';
import { log, sleep } from '../lib/context.mjs';
import { form, request } from '../lib/http.mjs';
import { waitForQuiet } from '../lib/measure.mjs';
import { seedSignInUsers } from '../lib/seed.mjs';
import { openServerStore, primary } from '../lib/server.mjs';
import { max, percentile, round } from '../lib/stats.mjs';

const USERS = 400;

/**
 * `workers` loops of `send` until `until`, each on its own keep-alive connection; every answer as
 * { status, ms, retryAfter }. With `honourRetryAfter`, a loop refused with Retry-After waits that long (at most until `until`).
 */
async function closedLoop(workers, until, send, { honourRetryAfter = false } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const answers = [];
  let errors = 0;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = w; Date.now() < until; i += workers) {
      try {
        const r = await send(i, agent);
        const retryAfter = r.headers['retry-after'] ?? null;
        answers.push({ status: r.status, ms: r.ms, retryAfter });
        if (honourRetryAfter && Number(retryAfter) > 0) await sleep(Math.min(Number(retryAfter) * 1000, Math.max(0, until - Date.now())));
      } catch {
        errors++;
      }
    }
  }));
  agent.destroy();
  return { answers, errors };
}

export async function signInCapacity(ctx) {
  const { cfg, results } = ctx;
  const out = { available: false, reason: null };
  results.signInCapacity = out;
  const store = await openServerStore(ctx);
  let users;
  try {
    users = await seedSignInUsers(ctx, store, USERS);
  } finally {
    await store.close();
  }
  const port = primary(ctx);
  const signIn = (i, agent) => request(port, 'POST', '/token', {
    headers: formHeaders(rsAuth(ctx)), body: form({ grant_type: 'password', username: users[i % users.length].uid, password: users[i % users.length].password, scope: 'openid' }),
    useAgent: agent, timeoutMs: 30_000,
  });
  const probe = await signIn(0);
  if (probe.status !== 200) {
    out.reason = `the password grant answered ${probe.status} ${probe.text.slice(0, 200)}`;
    log(`sign-in capacity: ${out.reason}`);
    return;
  }
  out.available = true;
  await waitForQuiet(ctx, 'sign-in capacity');
  const statusPaths = ctx.data.listed.slice(0, 200).map((sri) => `${PF}/${encodeURIComponent(sri)}?updateActivityTime=false`);
  const status = (i, agent) => request(port, 'GET', statusPaths[i % statusPaths.length] ?? `${PF}/unlisted-${i}`, { headers: pfHeaders(ctx), useAgent: agent });
  // The resource server's credentials verified just now, as on a server in use: the status check
  // measures what a burst of sign-ins does to the hot path, not a once-a-minute re-verification.
  await status(0);
  const until = Date.now() + cfg.signInS * 1000;
  const started = Date.now();
  const [signIns, checks] = await Promise.all([closedLoop(cfg.signInConnections, until, signIn, { honourRetryAfter: true }), closedLoop(2, until, status)]);
  const seconds = (Date.now() - started) / 1000;

  const ok = signIns.answers.filter((a) => a.status === 200);
  const shed = signIns.answers.filter((a) => a.status === 503 || a.status === 429);
  const vcpus = cpus().length;
  Object.assign(out, {
    connections: cfg.signInConnections,
    seconds: round(seconds, 1),
    vcpus,
    signIns: ok.length,
    perSecond: round(ok.length / seconds, 1),
    perSecondPerVcpu: round(ok.length / seconds / vcpus, 1),
    okP50Ms: round(percentile(ok.map((a) => a.ms), 50), 0),
    okP99Ms: round(percentile(ok.map((a) => a.ms), 99), 0),
    answers: signIns.answers.length,
    shed: shed.length,
    shedWithoutRetryAfter: shed.filter((a) => !(Number(a.retryAfter) >= 1)).length,
    other: signIns.answers.length - ok.length - shed.length,
    errors: signIns.errors,
    slowestMs: round(max(signIns.answers.map((a) => a.ms)), 0),
    statusChecks: checks.answers.length,
    statusUnexpected: checks.answers.filter((a) => a.status !== 200 && a.status !== 404).length + checks.errors,
    statusP50Ms: round(percentile(checks.answers.map((a) => a.ms), 50), 1),
    statusP99Ms: round(percentile(checks.answers.map((a) => a.ms), 99), 1),
  });
  log(`sign-in capacity: ${out.perSecond} sign-ins/s (${out.perSecondPerVcpu} per vCPU) from ${out.connections} connections over ${out.seconds} s; `
    + `p99 ${out.okP99Ms} ms; ${out.shed} shed of ${out.answers}, slowest answer ${out.slowestMs} ms; status check p50 ${out.statusP50Ms} ms, p99 ${out.statusP99Ms} ms meanwhile (${out.statusChecks} checks, ${out.statusUnexpected} unexpected)`);
  // The hashes still running finish before the next phase measures anything.
  await sleep(3000);
}
