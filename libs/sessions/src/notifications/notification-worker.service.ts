import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, NotificationConfig, SerialPasses } from '@app/common';
import { NotificationOutboxEntity, NotificationOutboxRepository } from '@app/store';
import { SessionEvents } from '../events/session-events';
import { DeliveryResult, NotificationSender } from './notification-sender';
import { GateTicket, ReceiverGates, receiverOf } from './receiver-gates';
import { retryDelay } from './retry-policy';

/** Rows read from the outbox at a time. */
const BATCH = 50;
/** Deliveries in flight at once per instance, all receivers together (each has its own limit too). */
const CONCURRENCY = 16;
/** Outbox reads per round at most: each either starts deliveries or learns a held receiver's target to leave out. */
const MAX_READS_PER_ROUND = 8;

/**
 * Sends the outbox: every NOTIFICATION_POLL_INTERVAL_MS, at once when this instance ends a
 * session, and again as each delivery ends. Each row is claimed with a lease first
 * (NotificationOutboxRepository.claim), so instances sharing the store split the work and a
 * crashed worker's rows come back when the lease runs out. A failed attempt is retried after an
 * exponential backoff (at least the receiver's Retry-After), up to NOTIFICATION_MAX_ATTEMPTS,
 * then marked failed; a target the outbound URL policy refuses, or a SET the receiver refused
 * (RFC 8935 §2.3), is marked failed at once (retrying cannot help; `retry` after fixing it).
 * Rows of kinds other modules add (NotificationKinds) may also be held, uncounted, or dropped.
 *
 * Deliveries run apart from every request, and apart from each other: a round starts what it can
 * and returns without waiting for the answers. Each receiver (a URL origin) has its own
 * concurrency limit and circuit breaker (ReceiverGates): rows of a receiver that is busy or whose
 * circuit is open are left in the outbox, pending and not counted as attempts, while other
 * receivers' rows go out, so a slow or dead receiver delays only its own notifications.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly rounds = new SerialPasses(() => this.drain(), () => this.stop.signal.aborted);
  private readonly receivers: ReceiverGates;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @InjectConfig('notifications') private readonly notifications: NotificationConfig,
    private readonly outbox: NotificationOutboxRepository,
    private readonly sender: NotificationSender,
    private readonly events: SessionEvents,
  ) {
    this.receivers = new ReceiverGates({ concurrency: notifications.receiverConcurrency, failuresToOpen: notifications.circuitFailures, cooldownMs: notifications.circuitCooldownMs });
  }

  onApplicationBootstrap(): void {
    if (!this.notifications.worker) return;
    this.timer = setInterval(() => this.kick(), this.notifications.pollIntervalMs);
    this.timer.unref();
    this.unsubscribe = this.events.on('session.ended', (e) => {
      if (e.notifications > 0) this.kick();
    });
    this.kick();
  }

  /** Stops polling, interrupts deliveries in flight (their rows go back to pending) and waits for them and the last round. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.stop.abort();
    await this.rounds.current;
    await Promise.all(this.inFlight);
  }

  /** Starts a round now, or right after the one running. */
  kick(): void {
    this.rounds.kick();
  }

  /**
   * One round: claims and starts every due row whose receiver has room, up to CONCURRENCY in
   * flight. Rows of held receivers are left out of the next read, so a backlog of one receiver
   * cannot hide the others' rows behind it.
   */
  private async drain(): Promise<void> {
    try {
      for (let read = 0; read < MAX_READS_PER_ROUND; read++) {
        if (this.stop.signal.aborted || this.inFlight.size >= CONCURRENCY) return;
        const skipped = this.receivers.heldTargets();
        const due = await this.outbox.due(Date.now(), BATCH, skipped);
        let started = false;
        for (const row of due) {
          if (this.stop.signal.aborted || this.inFlight.size >= CONCURRENCY) return;
          const ticket = this.receivers.tryAcquire(receiverOf(row.targetUrl), row.targetUrl);
          if (ticket && (await this.start(row, ticket))) started = true;
        }
        // Another read helps only if this one started something or found a held receiver's target to leave out.
        const learned = this.receivers.heldTargets().some((t) => !skipped.includes(t));
        if (due.length < BATCH || !(started || learned)) return;
      }
    } catch (err) {
      // The store is unreachable or closing: the next round tries again.
      if (!this.stop.signal.aborted) this.logger.warn(`Outbox round failed: ${(err as Error).message}`);
    }
  }

  /** Claims the row and sends it in the background; false when another worker had it. */
  private async start(row: NotificationOutboxEntity, ticket: GateTicket): Promise<boolean> {
    const lease = randomUUID();
    const claimedAt = Date.now();
    const leaseMs = 2 * this.notifications.timeoutMs + 10_000;
    let claimed = false;
    try {
      claimed = await this.outbox.claim(row.id, lease, claimedAt, claimedAt + leaseMs);
    } finally {
      if (!claimed) this.receivers.release(ticket, 'neutral');
    }
    if (!claimed) return false;
    const delivery = this.deliver(row, lease, ticket)
      .catch((err: unknown) => {
        // The store failed while settling: the lease runs out and the row is tried again.
        if (!this.stop.signal.aborted) this.logger.warn(`Could not record the outcome of ${row.kind} ${row.id}: ${(err as Error).message}`);
      })
      .finally(() => {
        this.inFlight.delete(delivery);
        this.kick();
      });
    this.inFlight.add(delivery);
    return true;
  }

  private async deliver(row: NotificationOutboxEntity, lease: string, ticket: GateTicket): Promise<void> {
    const attempt = row.attempts + 1;
    let result: DeliveryResult;
    try {
      result = await this.sender.send(row, this.stop.signal);
    } catch (err) {
      this.receivers.release(ticket, 'neutral');
      throw err;
    }
    // Only an answer, or its absence, says how the receiver is: a row held, dropped or refused before connecting says nothing.
    const outcome = result.ok ? 'ok' : result.aborted || result.refused || result.holdUntil !== undefined || result.final ? 'neutral' : 'failed';
    if (this.receivers.release(ticket, outcome)) {
      this.logger.warn(`Receiver ${ticket.receiver} failed ${this.notifications.circuitFailures} times in a row: its notifications wait ${this.notifications.circuitCooldownMs} ms, then one is tried`);
    }
    const now = Date.now();
    if (result.ok) {
      await this.outbox.delivered(row.id, lease, now);
    } else if (result.aborted) {
      await this.outbox.release(row.id, lease, now).catch(() => undefined);
    } else if (result.holdUntil !== undefined) {
      await this.outbox.release(row.id, lease, result.holdUntil, result.error);
    } else if (result.refused || result.final || attempt >= this.notifications.maxAttempts) {
      await this.outbox.failed(row.id, lease, result.error);
      this.logger.warn(`Gave up on ${row.kind} ${row.id} to client ${row.clientId} after ${attempt} attempts: ${result.error}`);
    } else {
      // The receiver's Retry-After, when it gave one, is the least we wait.
      const delay = Math.max(retryDelay(attempt, this.notifications.retryBaseMs, this.notifications.retryMaxMs), result.retryAfterMs ?? 0);
      await this.outbox.retryLater(row.id, lease, now + delay, result.error);
      this.logger.debug?.(`${row.kind} ${row.id} to client ${row.clientId} failed (attempt ${attempt}): ${result.error}; retry in ${delay} ms`);
    }
  }
}
