import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, SerialPasses, SessionConfig } from '@app/common';
import { InitiatingEntity, PendingWatermark, RevokedSriRepository, SessionRepository, toPending, Transactor, WatermarkRepository } from '@app/store';
import { SessionEvents } from '../events/session-events';
import { GlobalRevocationHooks } from './global-revocation-hooks';
import { SessionTerminator } from './session-terminator.service';

/** How often pending watermarks are looked for, besides right after each global revocation here. */
export const SESSION_WATERMARK_POLL_MS = 5000;
/**
 * Sessions marked per transaction: a few milliseconds each, so sign-ins and revocations
 * interleave (on SQLite every write waits for the one running, and blocks the event loop).
 */
const BATCH = 250;
/** Watermarks read at a time. */
const USERS = 100;
/**
 * A watermark is recorded as done only once it is this old: a sign-in that took its start
 * before the revocation may commit its session after a first pass (its login transaction was
 * still queued or running); the next pass marks it.
 */
export const SESSION_WATERMARK_GRACE_MS = 2000;

/**
 * Turns the sessions a watermark has ended (a global revocation: "every session of this user
 * started at or before T has ended") into rows, shortly after the revocation answered: marks
 * them revoked at T with the revocation's reason and caller, lists their SRIs for the session
 * revocation lifetime counted from T, and queues their back-channel and CAEP notifications
 * (SessionTerminator, so `session.ended` is published as for any ending), in batches. The
 * sessions are ended from the moment the watermark commits: every reader honours it
 * (SessionRepository, TokenStatusService, RevocationIndex for sealed SRIs); this only makes the
 * ending visible to what reads rows and tells the relying parties.
 *
 * Everything it needs is in the store (watermarks whose `sessions_ended_at` is behind), so a
 * crash before or during a pass is made good by the next pass, on this instance or another.
 * Several instances may run it at once: each batch ends only sessions still live (conditional
 * UPDATE), so each session is ended, listed and notified once.
 */
@Injectable()
export class SessionWatermarkWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SessionWatermarks');
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopped = false;
  private readonly passes = new SerialPasses(() => this.drain(), () => this.stopped);
  private recent: Promise<void> = Promise.resolve();

  constructor(
    @InjectConfig('sessions') private readonly sessionsConfig: SessionConfig,
    private readonly watermarks: WatermarkRepository,
    private readonly revokedSris: RevokedSriRepository,
    private readonly sessions: SessionRepository,
    private readonly terminator: SessionTerminator,
    private readonly tx: Transactor,
    private readonly events: SessionEvents,
    private readonly hooks: GlobalRevocationHooks,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.sessionsConfig.watermarkWorker) return;
    this.timer = setInterval(() => this.kick(), SESSION_WATERMARK_POLL_MS);
    this.timer.unref();
    // Right after the revocation has answered (its commit is what the event announces): that
    // user only; older watermarks are the periodic pass's.
    this.unsubscribe = this.events.on('user.revoked', (e) => void setImmediate(() => {
      this.recent = this.recent.then(() => this.markUser(e.userId)).catch((err: Error) => this.logger.warn(`Marking sessions ended by global revocation failed: ${err.message}`));
    }));
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.all([this.passes.current, this.recent]);
  }

  /** Starts a pass now, or right after the one running. */
  kick(): void {
    this.passes.kick();
  }

  /** Marks the sessions of every pending watermark; resolves when all that are live are marked (what the tests wait on). */
  async drain(): Promise<void> {
    try {
      for (;;) {
        const pending = await this.watermarks.listPending(USERS);
        let done = 0;
        for (const w of pending) {
          if (this.stopped) return;
          if (await this.materialize(w)) done++;
        }
        // A full page all recorded done: there may be more behind it.
        if (pending.length < USERS || done < pending.length) return;
      }
    } catch (err) {
      // The store is down or the schema is behind: the next pass tries again.
      this.logger.warn(`Marking sessions ended by global revocation failed: ${(err as Error).message}`);
    }
  }

  /** Marks the sessions of one user now, if its watermark has any left (the CLI, which runs no worker, after its revocation). */
  async markUser(userId: string): Promise<void> {
    const w = await this.watermarks.find(userId);
    if (!w || (w.sessionsEndedAt ?? 0) >= w.validAfter) return;
    await this.materialize(toPending(w));
  }

  /** Marks the watermark's live sessions; true when it was also recorded done (see SESSION_WATERMARK_GRACE_MS). */
  private async materialize(w: PendingWatermark): Promise<boolean> {
    const ending = { reason: w.reason, by: w.by, at: w.validAfter, initiatingEntity: w.initiatingEntity as InitiatingEntity };
    // A read first: a watermark with nothing left costs no write transaction (each one a commit to wait for).
    for (let more = await this.sessions.hasLiveUnderWatermark(w.userId, w.validAfter); more;) {
      if (this.stopped) return false;
      const selected = await this.tx.run(async (em) => {
        const batch = await this.terminator.endUnderWatermark(w.userId, BATCH, ending, em);
        await this.revokedSris.listSessions(batch.ended.map((s) => s.id), w.validAfter, w.by, em);
        return batch.selected;
      });
      more = selected === BATCH;
    }
    if (w.validAfter > Date.now() - SESSION_WATERMARK_GRACE_MS) return false;
    // What waits for the watermark (completion receipts) commits with its being recorded done.
    await this.tx.run(async (em) => {
      if (await this.watermarks.markSessionsEnded(w.userId, w.validAfter, em)) await this.hooks.sessionsEnded({ userId: w.userId, validAfter: w.validAfter }, em);
    });
    return true;
  }
}
