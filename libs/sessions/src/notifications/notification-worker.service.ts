import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SerialPasses } from '@app/common';
import { NotificationOutboxEntity, NotificationOutboxRepository } from '@app/store';
import { SessionEvents } from '../events/session-events';
import { NotificationSender } from './notification-sender';
import { retryDelay } from './retry-policy';

/** Rows read from the outbox at a time. */
const BATCH = 50;
/** Deliveries in flight at once per instance. */
const CONCURRENCY = 8;

/**
 * Sends the outbox: every NOTIFICATION_POLL_INTERVAL_MS, and at once when this instance ends a
 * session. Each row is claimed with a lease first (NotificationOutboxRepository.claim), so
 * instances sharing the store split the work and a crashed worker's rows come back when the
 * lease runs out. A failed attempt is retried after an exponential backoff, up to
 * NOTIFICATION_MAX_ATTEMPTS, then marked failed. Deliveries run apart from every request, so a
 * slow or dead receiver delays nobody's revocation.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly rounds = new SerialPasses(() => this.drain(), () => this.stop.signal.aborted);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: NotificationOutboxRepository,
    private readonly sender: NotificationSender,
    private readonly events: SessionEvents,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.notificationWorker) return;
    this.timer = setInterval(() => this.kick(), this.config.notificationPollIntervalMs);
    this.timer.unref();
    this.unsubscribe = this.events.on('session.ended', (e) => {
      if (e.notifications > 0) this.kick();
    });
    this.kick();
  }

  /** Stops polling, interrupts deliveries in flight (their rows go back to pending) and waits for the last round. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.stop.abort();
    await this.rounds.current;
  }

  /** Starts a round now, or right after the one running. */
  kick(): void {
    this.rounds.kick();
  }

  /** One round: everything due now, in batches. */
  private async drain(): Promise<void> {
    try {
      for (;;) {
        const due = await this.outbox.due(Date.now(), BATCH);
        let next = 0;
        const lane = async () => {
          while (next < due.length && !this.stop.signal.aborted) await this.attempt(due[next++]);
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, lane));
        if (due.length < BATCH || this.stop.signal.aborted) return;
      }
    } catch (err) {
      // The store is unreachable or closing: the next round tries again.
      if (!this.stop.signal.aborted) this.logger.warn(`Outbox round failed: ${(err as Error).message}`);
    }
  }

  private async attempt(row: NotificationOutboxEntity): Promise<void> {
    const lease = randomUUID();
    const claimedAt = Date.now();
    const leaseMs = 2 * this.config.notificationTimeoutMs + 10_000;
    if (!(await this.outbox.claim(row.id, lease, claimedAt, claimedAt + leaseMs))) return;
    const attempt = row.attempts + 1;
    const result = await this.sender.send(row, this.stop.signal);
    const now = Date.now();
    if (result.ok) {
      await this.outbox.delivered(row.id, lease, now);
    } else if (result.aborted) {
      await this.outbox.release(row.id, lease, now).catch(() => undefined);
    } else if (attempt >= this.config.notificationMaxAttempts) {
      await this.outbox.failed(row.id, lease, result.error);
      this.logger.warn(`Gave up on ${row.kind} ${row.id} to client ${row.clientId} after ${attempt} attempts: ${result.error}`);
    } else {
      const delay = retryDelay(attempt, this.config.notificationRetryBaseMs, this.config.notificationRetryMaxMs);
      await this.outbox.retryLater(row.id, lease, now + delay, result.error);
      this.logger.debug?.(`${row.kind} ${row.id} to client ${row.clientId} failed (attempt ${attempt}): ${result.error}; retry in ${delay} ms`);
    }
  }
}
