// Measuring: one primed, bounded load; the wait for a quiet machine; interleaved rounds; medians
// and paired ratios.
import { liveChildren } from './children.mjs';
import { cpuWindow } from './cpu.mjs';
import { request } from './http.mjs';
import { runLoad as runLoadRaw } from './load.mjs';
import { median, round } from './stats.mjs';
import { log, pct, sleep } from './context.mjs';

const ourPids = () => [process.pid, ...liveChildren().map((c) => c.pid)];

/**
 * One bounded load, with the share of the machine our processes and all others used meanwhile.
 * First one request of the same kind, alone: a run never starts on caches that went cold only
 * because the bench paused (its quiet waits, other targets' runs), and work left over from the
 * previous run has drained. The primer's own time is recorded, not counted. `spec.prepare`, when
 * there is one, runs before anything else.
 */
export async function runLoad(spec, opts) {
  // A case whose requests depend on the server's current state (an ETag) refreshes them first.
  await spec.prepare?.();
  const req = spec.dynamic ? spec.dynamic() : spec.requests[0];
  let primerMs = null;
  try {
    primerMs = round((await request(spec.port, req.method, req.path, { headers: req.headers, body: req.body, timeoutMs: 60_000 })).ms, 2);
  } catch (err) {
    log(`primer request failed: ${err.message}`);
  }
  const done = cpuWindow(ourPids);
  const r = await runLoadRaw(spec, opts);
  r.cpu = done();
  r.primerMs = primerMs;
  return r;
}

/**
 * Before a round: waits (at most cfg.quietWaitS) until processes outside the bench use less
 * than cfg.quietMax of the machine over one second. Records what it saw either way.
 */
export async function waitForQuiet(ctx, label) {
  const { quietWaitS, quietMax } = ctx.cfg;
  if (!quietWaitS) return null;
  const started = Date.now();
  let others = null;
  while (Date.now() - started < quietWaitS * 1000) {
    const done = cpuWindow(ourPids);
    await sleep(1000);
    others = done().others;
    if (others !== null && others < quietMax) break;
  }
  const waitedS = round((Date.now() - started) / 1000, 1);
  const quiet = others !== null && others < quietMax;
  if (!quiet) log(`${label}: the machine stayed busy (other processes ${pct(others)} of the CPU) after waiting ${waitedS} s; measuring anyway`);
  else if (waitedS > 1.5) log(`${label}: waited ${waitedS} s for other processes to calm down`);
  return { waitedS, othersBefore: others, quiet };
}

export function unexpectedCount(run, expected) {
  let bad = run.errors + run.timeouts;
  for (const [code, n] of Object.entries(run.statusCodes)) if (!expected.includes(Number(code))) bad += n;
  return bad;
}

/**
 * cfg.rounds rounds in which every case runs once, one after the other (A B C … A B C …), each
 * after a wait for a quiet machine. Runs go to caseMap[key].runs, the quiet waits to `quiet`.
 * `label` prefixes the log lines ('' or 'big list '); `pad` aligns their keys.
 */
export async function runRounds(ctx, cases, caseMap, { quiet, label = '', pad }) {
  const { cfg } = ctx;
  for (let round = 0; round < cfg.rounds; round++) {
    quiet.push(await waitForQuiet(ctx, `${label}round ${round + 1}`));
    for (const c of cases) {
      const r = await runLoad(c, { connections: cfg.connections, durationS: cfg.durationS });
      r.round = round;
      r.unexpected = unexpectedCount(r, c.expected);
      caseMap[c.key].runs.push(r);
      log(`${label}round ${round + 1}/${cfg.rounds} ${c.key.padEnd(pad)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  other CPU ${pct(r.cpu.others)}  primer ${r.primerMs} ms${r.unexpected ? `  UNEXPECTED ${r.unexpected}` : ''}`);
      await sleep(500);
    }
  }
}

/** Medians over rounds, and ratios paired within each round (case / bare of the same round). */
export function summarizeCases(caseMap, bareKey) {
  const bare = caseMap[bareKey];
  for (const [key, c] of Object.entries(caseMap)) {
    if (!c.available || c.runs.length === 0) continue;
    c.median = {
      rps: median(c.runs.map((r) => r.rps)),
      p50: median(c.runs.map((r) => r.latencyMs.p50)),
      p99: median(c.runs.map((r) => r.latencyMs.p99)),
    };
    c.unexpected = c.runs.reduce((s, r) => s + r.unexpected, 0);
    c.otherCpu = median(c.runs.map((r) => r.cpu?.others));
    c.completed = c.runs.reduce((s, r) => s + r.completed, 0);
    const paired = (other) => {
      if (!other?.available || !other.runs?.length) return null;
      const ratios = c.runs.map((r) => {
        const o = other.runs.find((x) => x.round === r.round);
        return o ? r.rps / o.rps : NaN;
      });
      return median(ratios);
    };
    c.ratioBare = key === bareKey ? 1 : paired(bare);
    c.ratioOidc = c.baseline ? paired(caseMap[c.baseline]) : null;
    c.ratioFloor = c.floor ? paired(caseMap[c.floor]) : null;
  }
}
