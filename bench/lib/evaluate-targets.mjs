// Reads the target table (bench/target-table.mjs) against a run's results: one
// { name, goal, measured, pass, note } per row (pass: true, false, or null for a figure only
// reported), in the table's order. Rows whose figures are missing say why and fail.
import { round } from './stats.mjs';

/** Share of the machine other processes may use before a row is called disturbed. */
const DISTURBED = 0.25;

const ratioText = (x) => (x === null || x === undefined ? null : round(x, 2));
const unavailable = (c) => (c ? (c.available ? (c.runs.length ? null : 'not measured') : c.reason) : 'not measured');
const disturbedNote = (share) => (share > DISTURBED ? `disturbed: other processes used ${Math.round(share * 100)}% of the machine` : null);

/** Unexpected answers of the row, and whether it or its references ran on a busy machine. */
function errorsNote(c, ...refs) {
  const notes = [];
  if (c?.unexpected) notes.push(`${c.unexpected} unexpected answers`);
  const busy = Math.max(...[c, ...refs].map((x) => x?.otherCpu ?? 0));
  if (busy > DISTURBED) notes.push(`disturbed: other processes used up to ${Math.round(busy * 100)}% of the machine during these rows`);
  return notes.join('; ') || null;
}

function ratioRow(t, results) {
  const bigList = t.table === 'bigList';
  const cases = bigList ? results.bigList?.cases ?? {} : results.throughput.cases;
  const c = cases[t.of];
  const refKey = t.ratio === 'ratioBare' ? 'bare' : t.ratio === 'ratioOidc' ? c?.baseline : c?.floor;
  const ref = refKey ? cases[refKey] : undefined;
  const reason = bigList && results.bigList?.available === false ? results.bigList.reason ?? 'not measured' : unavailable(c) ?? unavailable(ref);
  const goal = t.atLeast === null ? 'reported' : `≥ ${t.atLeast} × ${t.unit}`;
  const measured = reason ?? `${ratioText(c[t.ratio])} ×`;
  const pass = t.atLeast === null ? null : reason ? false : c[t.ratio] >= t.atLeast && !c.unexpected;
  return [{ goal, measured, pass, note: reason ?? errorsNote(c, ref) }];
}

function globalRevocationRows(t, results, cfg, fill) {
  const g = results.globalRevocation;
  const goal = t.measure === 'ratio' ? `≤ ${t.atMost} ×` : `< ${t.below} ms per call`;
  if (!g?.available) {
    return [{ name: fill(t.nameUnmeasured), goal: t.measure === 'ratio' ? `${goal} the 10-token call` : goal, measured: g?.reason ?? 'not measured', pass: false, note: null }];
  }
  const small = g.sizes[cfg.gtrSizes[0]];
  const large = g.sizes[cfg.gtrSizes[cfg.gtrSizes.length - 1]];
  const eff = Object.values(g.sizes).every((s) => s.effective && !s.failures);
  const note = [eff ? null : "a call failed or a revoked user's token stayed active", disturbedNote(g.otherCpu)].filter(Boolean).join('; ') || null;
  if (t.measure === 'ratio') {
    const r = large.medianMs / small.medianMs;
    return [{ goal, measured: `${round(r, 2)} × (${round(large.medianMs, 1)} ms vs ${round(small.medianMs, 1)} ms)`, pass: r <= t.atMost && eff, note }];
  }
  return [{ goal, measured: `${round(large.medianMs, 1)} ms (median; max ${round(large.maxMs, 1)} ms)`, pass: large.medianMs < t.below && eff, note }];
}

function propagationRows(t, results) {
  const p = results.propagation;
  const goal = `p99 < ${t.below} ms`;
  if (!p?.measured) return [{ goal, measured: `not measured: ${p?.reason ?? 'skipped'}`, pass: null, note: null }];
  return Object.entries(p.kinds).map(([k, v]) => ({
    name: `${t.name} (${t.kindNames[k] ?? k})`, goal, measured: `p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms`,
    pass: v.p99Ms < t.below && v.neverSeen === 0, note: v.failures ? `${v.failures} failures` : null,
  }));
}

function memoryRow(t, results) {
  const mem = results.bigList?.memory?.afterLoad ?? results.bigList?.memory?.afterStart;
  const measured = mem?.rssMiB ? `${round(mem.rssMiB, 0)} MiB (peak ${round(mem.peakRssMiB, 0)} MiB)` : 'not measured';
  // VmRSS is in KiB: MiB × 1.048576 is MB.
  return [{ goal: `< ${t.below} MB`, measured, pass: mem?.rssMiB ? mem.rssMiB * 1.048576 < t.below : false, note: null }];
}

function signInCapacityRow(t, results) {
  const s = results.signInCapacity;
  const goal = t.measure === 'rate' ? 'reported' : `< ${t.below} ms`;
  if (!s?.available) return [{ goal, measured: s?.reason ?? 'not measured', pass: t.measure === 'rate' ? null : false, note: null }];
  const errors = s.errors || s.other || s.shedWithoutRetryAfter ? `${s.errors} errors, ${s.other} other answers, ${s.shedWithoutRetryAfter} refusals without Retry-After` : null;
  if (t.measure === 'rate') {
    return [{ goal, measured: `${s.perSecond}/s, ${s.perSecondPerVcpu} per vCPU (${s.vcpus} vCPUs; reference ${t.perVcpuReference} per vCPU); p99 ${s.okP99Ms} ms`, pass: null, note: `${s.shed} of ${s.answers} answers shed (503)` }];
  }
  if (t.measure === 'slowest') {
    return [{ goal, measured: `slowest ${s.slowestMs} ms of ${s.answers}`, pass: s.slowestMs < t.below && !errors, note: errors }];
  }
  return [{ goal: `p99 < ${t.below} ms`, measured: `p50 ${s.statusP50Ms} ms, p99 ${s.statusP99Ms} ms (${s.statusChecks} checks)`, pass: s.statusP99Ms < t.below && !s.statusUnexpected, note: s.statusUnexpected ? `${s.statusUnexpected} unexpected answers` : null }];
}

const pctText = (x) => `${x >= 0 ? '+' : ''}${round(x * 100, 1)}%`;

function kitRow(t, results) {
  const k = results.statusList?.kit;
  const goal = t.below === null ? 'reported' : `adds < ${round(t.below * 100, 0)}% to jose's CPU time`;
  const v = k?.variants?.[t.variant];
  if (!k?.available || !v) return [{ goal, measured: k?.reason ?? 'not measured', pass: t.below === null ? null : false, note: null }];
  const j = k.variants.jose;
  const measured = `${pctText(v.added)}: main thread ${round(v.mainUs, 1)} µs vs jose's ${round(j.mainUs, 1)} µs, of jose's ${round(j.cpuUs, 1)} µs CPU per check (whole-process CPU ${round(v.cpuRatio, 2)} ×, wall ${round(v.wallRatio, 2)} ×)`;
  return [{ goal, measured, pass: t.below === null ? null : v.added < t.below, note: disturbedNote(k.otherCpu) }];
}

const kb = (bytes) => `${round(bytes / 1000, 1)} KB`;

function statusListSizeRow(t, results) {
  const s = results.statusList?.size;
  const goal = t.draftKB ? `reported (the draft: about ${t.draftKB} KB)` : 'reported';
  if (!s?.available) return [{ goal, measured: s?.reason ?? 'not measured', pass: null, note: null }];
  if (t.measure === 'oneBit') return [{ goal, measured: `${kb(s.oneBit.lstBytes)} compressed (${s.oneBit.lstChars.toLocaleString('en-US')} base64url characters)`, pass: null, note: null }];
  const x = s.served;
  return [{ goal, measured: `lst ${kb(x.lstBytes)} compressed; the token ${kb(x.jwtBytes)} (${kb(x.gzipBytes)} gzipped)`, pass: null, note: null }];
}

function startupRow(t, results) {
  const s = results.startup[t.startup];
  return [{ goal: `< ${t.below / 1000} s`, measured: s ? `${(s.ms / 1000).toFixed(2)} s` : 'not measured', pass: s ? s.ms < t.below : false, note: disturbedNote(s?.otherCpu) }];
}

/** The rows of the targets table for `results` (a run's results.json) and its settings `cfg`. */
export function evaluateTargets(table, results, cfg) {
  const g = results.globalRevocation;
  const large = g?.available ? g.sizes[cfg.gtrSizes[cfg.gtrSizes.length - 1]] : null;
  const values = {
    bigList: (results.bigList?.listSize ?? cfg.bigList).toLocaleString('en-US'),
    store: cfg.databaseUrl ? 'PostgreSQL' : 'SQLite',
    largeTokens: large?.tokens.toLocaleString('en-US') ?? '?',
    largeSessions: large?.sessions.toLocaleString('en-US') ?? '?',
    statusListEntries: (results.statusList?.size?.served?.entries ?? cfg.statusListEntries ?? 1_000_000).toLocaleString('en-US'),
  };
  const fill = (text) => text.replace(/\{(\w+)\}/g, (m, k) => values[k] ?? m);
  const rowsOf = {
    ratio: ratioRow,
    globalRevocation: globalRevocationRows,
    propagation: propagationRows,
    memory: memoryRow,
    startup: startupRow,
    signInCapacity: signInCapacityRow,
    kit: kitRow,
    statusListSize: statusListSizeRow,
  };
  const out = [];
  for (const t of table) {
    const rows = rowsOf[t.kind];
    if (!rows) throw new Error(`bench/target-table.mjs: unknown kind ${t.kind}`);
    for (const r of rows(t, results, cfg, fill)) out.push({ name: r.name ?? fill(t.name), goal: r.goal, measured: r.measured, pass: r.pass, note: r.note ?? null });
  }
  return out;
}
