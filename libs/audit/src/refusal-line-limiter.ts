import { isIPv6 } from 'node:net';
import { AuditRecord, isAuthenticated, summaryRecord } from './audit-record';

export interface RefusalLineLimits {
  /** Lines per address (an IPv6 /64) and status in a window; 0: no limit. */
  perAddress: number;
  /** Lines of all addresses together in a window; 0: no limit. */
  total: number;
  windowMs: number;
}

/** Addresses tallied in one window at most, whatever the limits: the table must not grow with a botnet. */
const TALLIES_MAX = 10_000;

interface Tally {
  ip: string | undefined;
  status: number;
  written: number;
  suppressed: number;
}

/**
 * A refusal (4xx) of a caller nobody authenticated: anyone can cause one, as often as they like,
 * with a path of their choosing.
 */
export function isAnonymousRefusal(record: AuditRecord): boolean {
  return !isAuthenticated(record) && record.status >= 400 && record.status < 500;
}

/**
 * Keeps refusals of unauthenticated callers from flooding the audit log and pushing every
 * earlier line out of the rotated files. In a fixed window (it starts with the first such line
 * after a quiet one) it lets through `perAddress` lines per address and status, and `total` lines
 * in all; the others are counted, and when the window ends one summary line per address and
 * status says how many were suppressed (`suppressed=N`). Lines suppressed after the total ran out,
 * from addresses that had no line yet, share one summary per status without an address, so a
 * window writes at most about twice `total` lines. Any other line is never held back.
 */
export class RefusalLineLimiter {
  private tallies = new Map<string, Tally>();
  /** Suppressed lines of addresses without a tally, by status. */
  private unattributed = new Map<number, number>();
  private written = 0;
  private windowEnd?: NodeJS.Timeout;
  /** Lines suppressed since start-up. */
  suppressedTotal = 0;

  constructor(
    private readonly limits: RefusalLineLimits,
    private readonly writeSummary: (summary: AuditRecord) => void,
  ) {}

  /** Whether the record's line is to be written; false when it was counted instead. */
  admit(record: AuditRecord): boolean {
    const { perAddress, total, windowMs } = this.limits;
    if (!(perAddress > 0 || total > 0) || !isAnonymousRefusal(record)) return true;
    if (!this.windowEnd) {
      this.windowEnd = setTimeout(() => this.endWindow(), windowMs);
      this.windowEnd.unref();
    }
    const ip = addressGroup(record.ip);
    const key = `${record.status} ${ip ?? ''}`;
    let tally = this.tallies.get(key);
    const budgetLeft = !(total > 0) || this.written < total;
    if (budgetLeft && (tally ? !(perAddress > 0) || tally.written < perAddress : this.tallies.size < TALLIES_MAX)) {
      if (!tally) {
        tally = { ip, status: record.status, written: 0, suppressed: 0 };
        this.tallies.set(key, tally);
      }
      tally.written++;
      this.written++;
      return true;
    }
    this.suppressedTotal++;
    if (tally) tally.suppressed++;
    else this.unattributed.set(record.status, (this.unattributed.get(record.status) ?? 0) + 1);
    return false;
  }

  /** Ends the window now and writes its summaries (at shutdown, so that no count is lost). */
  flush(): void {
    clearTimeout(this.windowEnd);
    this.endWindow();
  }

  private endWindow(): void {
    const tallies = this.tallies;
    const unattributed = this.unattributed;
    this.windowEnd = undefined;
    this.tallies = new Map();
    this.unattributed = new Map();
    this.written = 0;
    for (const t of tallies.values()) if (t.suppressed > 0) this.writeSummary(summaryRecord('suppressed', t.suppressed, t.status, t.ip));
    for (const [status, count] of unattributed) this.writeSummary(summaryRecord('suppressed', count, status));
  }
}

/**
 * What the limits count as one address: an IPv4 address (also IPv4-mapped IPv6), or the /64 of
 * an IPv6 address, since anyone given an IPv6 prefix can send from billions of addresses.
 */
export function addressGroup(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const address = ip.split('%')[0];
  const groupsIn = (part: string) => (part ? part.split(':').reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0) : 0);
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) groups.push(...Array<string>(8 - groupsIn(head) - groupsIn(tail)).fill('0'), ...(tail ? tail.split(':') : []));
  const prefix = groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  while (prefix.at(-1) === '0') prefix.pop();
  return `${prefix.join(':')}::/64`;
}
