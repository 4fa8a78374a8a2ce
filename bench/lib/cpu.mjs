// How much of the machine other processes used (user-mode CPU) while a measurement ran. On a shared machine
// (other builds and test suites) this is what makes a figure trustworthy or not, so every run
// records it. Linux /proc only; elsewhere the figures are null.
import { readFileSync } from 'node:fs';

function machineTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    // user + nice: programs' own work. Kernel time is left out on both sides, so the disk
    // flushes that our server's durable writes cause are not counted as someone else's load.
    return { user: v[0] + v[1], total };
  } catch {
    return null;
  }
}

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "(comm) ": state is [0], utime is [11] (user-mode ticks).
    return Number(f[11]);
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
    const user = m1.user - m0.user;
    return { ours: round(ours / total), others: round(Math.max(0, user - ours) / total) };
  };
}

const round = (x) => Math.round(x * 1000) / 1000;
