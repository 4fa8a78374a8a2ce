// Phase: the Token Status List off the HTTP hot path. (GET /statuslists/{id} is a row of the
// throughput table.)
// - Size: a list of cfg.statusListEntries tokens with 1% revoked at random indexes, encoded and
//   signed by the server's own StatusListPublisher (lib/status-list-size.cjs): the `lst` and the
//   whole Status List Token as served, against the draft's size table (1 bit).
// - The resource-server kit's check of one token, in process (lib/kit-verify.mjs), against jose's
//   jwtVerify alone on the same tokens and keys: tokens issued by the server under test, its JWKS
//   and status list fetched once, then interleaved rounds, medians, ratios paired by round.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { revoke, tokenCall } from '../lib/api.mjs';
import { liveChildren } from '../lib/children.mjs';
import { log, pct } from '../lib/context.mjs';
import { cpuWindow } from '../lib/cpu.mjs';
import { runScript } from '../lib/kit.mjs';
import { median, round } from '../lib/stats.mjs';

/** Distinct tokens the kit checks in turn (a real resource server sees many). */
const KIT_TOKENS = 50;

async function listSize(ctx) {
  try {
    const size = await runScript(ctx, 'status-list-size', 'status-list-size.cjs', {
      env: { SERVER_DIST: join(ctx.appDir, 'dist'), SIZE_ENTRIES: String(ctx.cfg.statusListEntries), SIZE_REVOKED: '0.01' },
      timeoutMs: 120_000,
    });
    log(`status list of ${size.served.entries} tokens, 1% revoked: lst ${size.served.lstBytes} bytes (${size.served.bits} bits), token ${size.served.jwtBytes} bytes (gzip ${size.served.gzipBytes}); 1 bit: lst ${size.oneBit.lstBytes} bytes`);
    return { available: true, ...size };
  } catch (err) {
    log(`status list size: ${err.message}`);
    return { available: false, reason: `not measured: ${err.message.split('\n')[0].slice(0, 200)}` };
  }
}

/** Medians per variant and, against jose in the same round, the ratios and the main-thread time added. */
function summarizeKit(runs) {
  const jose = new Map(runs.jose.map((r) => [r.round, r]));
  const out = {};
  for (const [name, list] of Object.entries(runs)) {
    const paired = (f) => median(list.map((r) => (jose.has(r.round) ? f(r, jose.get(r.round)) : NaN)));
    out[name] = {
      runs: list.length,
      wallUs: median(list.map((r) => r.wallUs)),
      cpuUs: median(list.map((r) => r.cpuUs)),
      mainUs: median(list.map((r) => r.mainUs)),
      cpuRatio: paired((r, j) => r.cpuUs / j.cpuUs),
      wallRatio: paired((r, j) => r.wallUs / j.wallUs),
      // The signature check is jose's, the same in every variant, on libuv's pool; what a variant
      // adds runs on the main thread: its extra main-thread time over jose's whole CPU time.
      added: paired((r, j) => (r.mainUs - j.mainUs) / j.cpuUs),
    };
  }
  return out;
}

async function kitCheck(ctx) {
  const { cfg } = ctx;
  if (!ctx.kitDir) return { available: false, reason: ctx.kitReason ?? 'not available' };
  const tokens = [];
  for (let i = 0; i < KIT_TOKENS; i++) tokens.push((await tokenCall(ctx, { grant_type: 'client_credentials', scope: 'api' })).access_token);
  if (!tokens.every((t) => t.split('.').length === 3)) return { available: false, reason: 'not available: bench-rs did not get JWT access tokens' };
  // A token revoked through RFC 7009: the kit must refuse it before anything is timed.
  const revokedToken = (await tokenCall(ctx, { grant_type: 'client_credentials', scope: 'api' })).access_token;
  const r = await revoke(ctx, revokedToken);
  if (r.status !== 200) return { available: false, reason: `not measured: RFC 7009 revoke answered ${r.status}` };
  const input = join(ctx.tmp, 'kit-bench.json');
  const out = join(ctx.tmp, 'kit-bench.out.json');
  writeFileSync(input, JSON.stringify({
    kitDir: ctx.kitDir, issuer: ctx.issuer, tokens, revokedToken, out,
    rounds: cfg.kitRounds, verifies: cfg.kitVerifies, warmup: cfg.kitWarmup, concurrency: cfg.kitConcurrency,
  }));
  const done = cpuWindow(() => [process.pid, ...liveChildren().map((c) => c.pid)]);
  const started = Date.now();
  let raw;
  try {
    raw = await runScript(ctx, 'kit-verify', 'kit-verify.mjs', { nodeArgs: ['--expose-gc'], env: { KIT_BENCH_FILE: input }, outFile: out });
  } catch (err) {
    log(`kit check: ${err.message}`);
    return { available: false, reason: `wrong answer or failure: ${err.message.split('\n').find((l) => /Error|refused|did not/.test(l))?.slice(0, 200) ?? 'see the log'}` };
  }
  const cpu = done();
  // The child has exited when the window closes, so its CPU reads as another process's: take it out.
  const childShare = raw.cpuUserUs / 1e3 / ((Date.now() - started) * cpus().length);
  const otherCpu = cpu.others === null ? null : round(Math.max(0, cpu.others - childShare), 3);
  const variants = summarizeKit(raw.runs);
  for (const [name, v] of Object.entries(variants)) {
    log(`kit ${name.padEnd(10)} ${round(v.cpuUs, 1)} µs CPU (${round(v.mainUs, 1)} main thread), ${round(v.wallUs, 1)} µs wall per check; × jose: CPU ${round(v.cpuRatio, 3)}, added ${pct(v.added)}`);
  }
  return {
    available: true, tokens: tokens.length, node: raw.node, jose: raw.jose, concurrency: raw.concurrency, verifies: raw.verifies, rounds: cfg.kitRounds,
    otherCpu, variants, runs: raw.runs,
  };
}

export async function statusList(ctx) {
  const { results } = ctx;
  results.statusList = { size: await listSize(ctx), kit: await kitCheck(ctx) };
}
