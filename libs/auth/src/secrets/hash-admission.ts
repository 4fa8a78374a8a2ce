import { ApiError, serverBusy } from '@app/common';

export interface HashAdmissionSettings {
  /** Hashes run at once (each holds a libuv thread and, for scrypt, 128 MiB). */
  concurrency: number;
  /** Hashes that may wait for a turn; past it, refused at once. */
  queue: number;
  /** Longest wait for a turn, milliseconds: a hash expected to wait longer is refused at once, one that waited this long is refused then. */
  maxWaitMs?: number;
}

/** With the hash itself (0.3–1 s, several seconds on a saturated machine), well under the 10 s in which every sign-in must be answered. */
export const DEFAULT_MAX_WAIT_MS = 3000;

interface Waiter {
  start(): void;
  refuse(err: ApiError): void;
}

/**
 * Admission control for password hashing: at most `concurrency` hashes run, at most `queue`
 * wait, first come first served, except that urgent hashes (client secrets: a resource server
 * or the caller of global revocation must not wait behind a burst of user sign-ins) go ahead of
 * the others, in a queue of their own of the same size; anything past that is refused at once with 503 and a
 * Retry-After from the expected wait, and so is a hash whose turn would come (or has not come)
 * within `maxWaitMs`. A waiting hash whose caller has gone (its AbortSignal) is dropped. A hash
 * that has started runs to its end: libuv cannot take back work from its thread pool.
 *
 * Written here rather than taken from p-limit or p-queue: p-limit bounds neither the queue nor
 * the wait, and p-queue (ESM only) has no bound on its queue either; the rule is a few lines.
 */
export class HashAdmission {
  private running = 0;
  /** Insertion-ordered, so the first is the oldest; a dropped waiter leaves in O(1). */
  private readonly waiting = new Set<Waiter>();
  private readonly urgent = new Set<Waiter>();
  /** Moving average of a hash's duration, which the expected wait is made of; the first hash's until there is one. */
  private averageMs = 500;
  private measured = false;
  private readonly counts = { admitted: 0, refused: 0, abandoned: 0 };

  constructor(private settings: Required<HashAdmissionSettings>) {}

  configure(settings: HashAdmissionSettings): this {
    this.settings = { maxWaitMs: DEFAULT_MAX_WAIT_MS, ...settings };
    this.startWaiting();
    return this;
  }

  /** Runs `task` once admitted; rejects with 503 (ApiError) when refused or dropped. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, urgent = false): Promise<T> {
    if (signal?.aborted) throw this.abandoned();
    if (this.running < this.settings.concurrency) this.running++;
    else await this.turn(signal, urgent ? this.urgent : this.waiting);
    this.counts.admitted++;
    const started = performance.now();
    try {
      return await task();
    } finally {
      const ms = performance.now() - started;
      this.averageMs = this.measured ? this.averageMs + (ms - this.averageMs) / 5 : ms;
      this.measured = true;
      this.handOver();
    }
  }

  /** Running and waiting now; admitted, refused and dropped since start. */
  stats(): { running: number; waiting: number; admitted: number; refused: number; abandoned: number } {
    return { running: this.running, waiting: this.urgent.size + this.waiting.size, ...this.counts };
  }

  private turn(signal: AbortSignal | undefined, line: Set<Waiter>): Promise<void> {
    const { concurrency, queue, maxWaitMs } = this.settings;
    const ahead = line === this.urgent ? this.urgent.size : this.urgent.size + this.waiting.size;
    const expectedWaitMs = Math.ceil((ahead + 1) / concurrency) * this.averageMs;
    if (line.size >= queue || expectedWaitMs > maxWaitMs) {
      this.counts.refused++;
      return Promise.reject(serverBusy(this.retryAfterSeconds()));
    }
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        line.delete(waiter);
      };
      const waiter: Waiter = {
        start: () => {
          leave();
          resolve();
        },
        refuse: (err) => {
          leave();
          reject(err);
        },
      };
      const onAbort = () => {
        this.counts.abandoned++;
        waiter.refuse(this.abandoned());
      };
      const timer = setTimeout(() => {
        this.counts.refused++;
        waiter.refuse(serverBusy(this.retryAfterSeconds()));
      }, maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      line.add(waiter);
    });
  }

  /** A finished hash gives its slot to the oldest urgent waiter, else to the oldest waiter, or frees it. */
  private handOver(): void {
    const next = this.urgent.size > 0 ? this.urgent.values().next() : this.waiting.values().next();
    if (next.done || this.running > this.settings.concurrency) this.running--;
    else next.value.start();
  }

  /** After a rise of `concurrency`: the waiters the new slots admit. */
  private startWaiting(): void {
    for (const waiter of [...this.urgent, ...this.waiting]) {
      if (this.running >= this.settings.concurrency) return;
      this.running++;
      waiter.start();
    }
  }

  /** Seconds until the queue as it is now has drained. */
  private retryAfterSeconds(): number {
    return (((this.urgent.size + this.waiting.size) / this.settings.concurrency + 1) * this.averageMs) / 1000;
  }

  /** The caller has gone: nobody reads this answer. */
  private abandoned(): ApiError {
    return serverBusy(1);
  }
}
