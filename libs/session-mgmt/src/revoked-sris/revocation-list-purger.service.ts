import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, RevocationListConfig } from '@app/common';
import { RevokedSriLifetime, RevokedSriRepository } from '@app/store';
import { overShareQuotas } from './list-shares';

/** Oldest entries deleted per statement when the list is over its maximum. */
const PURGE_BATCH = 1000;

export interface PurgeResult {
  /** Entries whose lifetime had ended. */
  expired: number;
  /** Entries deleted because the list was over its maximum, the oldest of the listers over their share first. */
  overMaximum: number;
  /** Of those, entries still within their lifetime (each purge that drops one logs a warning). */
  beforeLifetime: number;
}

/**
 * Keeps the session revocation list within its lifetime and its maximum size, as PingFederate
 * does: entries expire after SESSION_REVOCATION_LIFETIME minutes, and beyond
 * SESSION_REVOCATION_LIST_MAX entries the oldest go first, taken from the listers (clients) over
 * their share of the maximum (overShareQuotas), so that no client can flush another's. Runs every
 * SESSION_REVOCATION_PURGE_INTERVAL seconds, and at once when an insert may have taken the list
 * over its maximum. An entry dropped before the end of its lifetime is always logged.
 */
@Injectable()
export class RevocationListPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SessionRevocationList');
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private rerun = false;
  /** Entries on the list as last counted, plus those this instance added since; undefined until counted. */
  private estimate?: number;

  constructor(@InjectConfig('revocationList') private readonly revocationList: RevocationListConfig, private readonly list: RevokedSriRepository, private readonly lifetime: RevokedSriLifetime) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.purgeInBackground(), this.revocationList.purgeInterval * 1000);
    this.timer.unref();
    this.purgeInBackground();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.rerun = false;
    await this.loop?.catch(() => undefined);
  }

  /** After `count` entries were listed: purges at once if the list may now be over its maximum. */
  added(count: number): void {
    if (this.estimate === undefined) return; // the purge under way will count them
    this.estimate += count;
    if (this.estimate > this.revocationList.max) this.purgeInBackground();
  }

  /**
   * Purges now. Purges never overlap: a call during a purge waits for it and for one more pass,
   * so whatever was listed before the call is counted. Resolves with the last pass's result.
   */
  purge(): Promise<PurgeResult> {
    this.rerun = true;
    this.loop ??= this.drain();
    return this.loop.then(() => this.last);
  }

  private last: PurgeResult = { expired: 0, overMaximum: 0, beforeLifetime: 0 };

  private purgeInBackground(): void {
    this.purge().catch((e: Error) => this.logger.error(`Purging the session revocation list failed: ${e.message}`));
  }

  private async drain(): Promise<void> {
    try {
      while (this.rerun) {
        this.rerun = false;
        this.last = await this.purgeOnce(Date.now());
      }
    } finally {
      this.loop = undefined;
    }
  }

  private async purgeOnce(now: number): Promise<PurgeResult> {
    const max = this.revocationList.max;
    const expired = await this.list.purgeExpired(now);
    const byLister = await this.list.countByLister();
    let size = 0;
    for (const n of byLister.values()) size += n;
    let overMaximum = 0;
    let beforeLifetime = 0;
    let firstListed = Infinity;
    let lastListed = -Infinity;
    const quotas = overShareQuotas(byLister, size - max);
    for (const [lister, quota] of quotas) {
      for (let left = quota; left > 0;) {
        const oldest = await this.list.oldestOf(lister, Math.min(left, PURGE_BATCH));
        if (oldest.length === 0) break;
        const upTo = oldest[oldest.length - 1].createdAt;
        overMaximum += await this.list.deleteListedUpTo(oldest.map((e) => e.sri), upTo);
        beforeLifetime += oldest.filter((e) => e.expiresAt > now).length;
        firstListed = Math.min(firstListed, oldest[0].createdAt);
        lastListed = Math.max(lastListed, upTo);
        left -= oldest.length;
      }
    }
    this.estimate = size - overMaximum;
    if (beforeLifetime > 0) {
      const listers = [...quotas].map(([lister, n]) => `${lister ?? '(none)'}: ${n}`).join(', ');
      this.logger.warn(
        `The session revocation list held ${size} entries, over its maximum of ${max}: purged the ${overMaximum} oldest, ` +
          `${beforeLifetime} of them before the end of their ${this.lifetime.minutes}-minute lifetime ` +
          `(listed ${new Date(firstListed).toISOString()} to ${new Date(lastListed).toISOString()}), from the listers over their share (${listers}). ` +
          'Raise SESSION_REVOCATION_LIST_MAX to keep them.',
      );
    }
    if (expired > 0) this.logger.log(`Purged ${expired} expired entries from the session revocation list`);
    return { expired, overMaximum, beforeLifetime };
  }
}
