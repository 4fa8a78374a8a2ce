import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NotificationWorker, SessionEvents } from '@app/sessions';

/**
 * Tells this instance's deliveries that SETs were queued: the push worker starts a round, and
 * polls waiting for events (long polling) look again. Polls also look on their own every
 * POLL_RECHECK_MS, for SETs another instance queued.
 */
@Injectable()
export class DeliverySignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiters = new Set<() => void>();
  private unsubscribe?: () => void;

  constructor(private readonly worker: NotificationWorker, private readonly events: SessionEvents) {}

  onApplicationBootstrap(): void {
    // Session endings queue SETs in the terminator's transaction; the event comes after its commit.
    this.unsubscribe = this.events.on('session.ended', (e) => {
      if (e.notifications > 0) this.wakePolls();
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.wakePolls();
  }

  /** SETs were committed to the outbox. */
  queued(): void {
    this.worker.kick();
    this.wakePolls();
  }

  /** Resolves when SETs may have been queued, after `ms`, or when `signal` aborts, whichever comes first. */
  nextChance(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wakePolls(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
