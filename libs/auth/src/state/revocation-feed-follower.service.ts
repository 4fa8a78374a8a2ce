import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SriCodec } from '@app/sessions/core';
import { RevocationChange, RevocationEventKind, RevocationFeedEvent, RevocationFeedReader, RevokedSriLifetime, Transactor } from '@app/store';
import { ClientCache } from './client-cache.service';
import { RevocationIndex } from './revocation-index.service';

/** How often each instance reads the revocation feed; bounds the propagation delay between instances. */
export const INDEX_POLL_MS = 50;
/** How long a gap in event ids is waited for (a concurrent transaction still committing) before it is skipped. */
const GAP_WAIT_MS = 5000;
const PRUNE_EVERY_MS = 60_000;

export type EventAppliedListener = (kind: RevocationEventKind, changes: readonly RevocationChange[]) => void;

/**
 * Keeps this instance's RevocationIndex and ClientCache current: loads the index from the store
 * at start, then reads the `revocation_event` feed (written in the same transaction as each
 * revocation) every INDEX_POLL_MS, and at once after this instance's own commits, and applies
 * its changes. Several instances on one store stay coherent this way.
 */
@Injectable()
export class RevocationFeedFollower implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationIndex');
  private loaded = false;
  private cursor = 0;
  private gap?: { at: number; since: number };
  private polling?: Promise<void>;
  private waiters: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastPrune = 0;
  private readFailing = false;
  private reported = 0;
  private readonly appliedListeners: EventAppliedListener[] = [];

  constructor(
    private readonly index: RevocationIndex,
    private readonly clients: ClientCache,
    private readonly feed: RevocationFeedReader,
    private readonly sriLifetime: RevokedSriLifetime,
    private readonly sris: SriCodec,
    tx: Transactor,
  ) {
    tx.onCommit(() => this.sync());
  }

  async onModuleInit(): Promise<void> {
    this.cursor = await this.feed.head();
    // Loaded in the background: until then the index is not fresh and callers read the store.
    void this.load().catch((err) => this.logger.error(`Initial load failed: ${(err as Error).message}`));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Called for each feed event applied, whichever instance wrote it, with its changes (metrics
   * count them by kind; the status lists recompute the tokens they reach). Must not throw.
   */
  onEventApplied(listener: EventAppliedListener): void {
    this.appliedListeners.push(listener);
  }

  /** Reads the feed now; resolves once a read that started after this call has finished. */
  sync(): Promise<void> {
    if (!this.loaded) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      if (!this.polling) void this.poll();
    });
  }

  private async load(): Promise<void> {
    await this.sris.load();
    const now = Date.now();
    await this.feed.readSnapshot(
      { now, recentSince: now - this.index.recentWindowMs(), pendingSince: now - this.sriLifetime.ms, endedSrisSince: now - this.sriLifetime.ms }, this.index,
    );
    this.index.markLoaded();
    this.loaded = true;
    const s = this.index.sizes();
    this.logger.log(`Loaded ${s.listedSris} listed SRIs, ${s.watermarks} watermarks, ${s.endedSessions} ended sessions, ${s.revokedTokens} revoked tokens in ${Date.now() - now} ms`);
    await this.poll();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), INDEX_POLL_MS);
    this.timer.unref();
  }

  private poll(): Promise<void> {
    if (this.polling) return this.polling;
    if (this.timer) clearTimeout(this.timer);
    const waiters = this.waiters;
    this.waiters = [];
    this.polling = this.readFeed()
      .then((caughtUp) => {
        // Fresh only once every event written so far has been applied, not after a partial page.
        if (caughtUp) this.index.markCaughtUp(Date.now());
        if (this.readFailing) this.logger.log('Revocation feed readable again');
        this.readFailing = false;
      })
      .catch((err) => {
        if (!this.readFailing) this.logger.warn(`Revocation feed unreadable, answering from the store: ${(err as Error).message}`);
        this.readFailing = true;
        this.index.markUnreadable();
      })
      .finally(() => {
        this.polling = undefined;
        for (const w of waiters) w();
        if (this.waiters.length > 0) void this.poll();
        else this.schedule();
      });
    return this.polling;
  }

  /** Applies the next page of the feed; true when it was the last one. */
  private async readFeed(): Promise<boolean> {
    const now = Date.now();
    const { events, caughtUp } = await this.feed.readAfter(this.cursor, now);
    let contiguous = this.cursor;
    for (const event of events) {
      this.apply(event);
      if (event.id === contiguous + 1) contiguous = event.id;
      else if (!this.gap || this.gap.at !== contiguous + 1) this.gap = { at: contiguous + 1, since: now };
    }
    // Ids can commit out of order on PostgreSQL: the cursor waits at a gap (events above it are
    // re-read, harmlessly) until it fills or is old enough to be a rolled-back transaction.
    const last = events.length > 0 ? events[events.length - 1].id : 0;
    if (this.gap && contiguous < last && now - this.gap.since > GAP_WAIT_MS) contiguous = last;
    if (this.gap && contiguous >= this.gap.at) this.gap = undefined;
    this.cursor = contiguous;
    if (now - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now;
      this.index.prune(now);
    }
    return caughtUp;
  }

  private apply(event: RevocationFeedEvent): void {
    for (const change of event.changes) {
      if (change.kind === 'client_changed') this.clients.forget(change.clientId);
      else this.index.apply(change);
    }
    // Events above a gap are read again; each is reported once.
    if (event.id > this.reported) {
      this.reported = event.id;
      for (const listener of this.appliedListeners) listener(event.kind, event.changes);
    }
  }
}
