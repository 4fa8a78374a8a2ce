// How much of the machine other processes used while a measurement ran. On a shared machine
// (other builds and test suites) this is what makes a figure trustworthy or not, so every run
// records it. Linux /proc only; elsewhere the figures are null.
import { readFileSync } from 'node:fs';

function machineTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "(comm) ": state is [0], utime is [11], stime is [12].
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Starts a measurement window over our own processes (`pids()` is read at start and end). */
export function cpuWindow(pids) {
  const m0 = machineTicks();
  const list0 = pids();
  const p0 = new Map(list0.map((p) => [p, processTicks(p)]));
  return () => {
    const m1 = machineTicks();
    if (!m0 || !m1 || m1.total === m0.total) return { ours: null, others: null };
    let ours = 0;
    for (const p of new Set([...list0, ...pids()])) ours += processTicks(p) - (p0.get(p) ?? 0);
    const total = m1.total - m0.total;
    const busy = m1.busy - m0.busy;
    return { ours: round(ours / total), others: round(Math.max(0, busy - ours) / total) };
  };
}

const round = (x) => Math.round(x * 1000) / 1000;
