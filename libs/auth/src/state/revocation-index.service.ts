import { Injectable } from '@nestjs/common';
import { InjectConfig, TokenConfig } from '@app/common';
import { SriCodec } from '@app/sessions/core';
import { RevocationChange, RevocationSnapshotSink, RevokedSriLifetime } from '@app/store';
import { RevocationFacts } from '../tokens/revocation-facts';
import { issuedAtOfTokenId } from '../tokens/token-ids';
import { SriExpiryTable } from './sri-expiry-table';

/** Without a successful read of the feed for this long the index is stale and callers go back to the store. */
export const INDEX_STALE_MS = 2000;

/**
 * The revocation state every hot path needs, in memory: listed SRIs, per-user watermarks,
 * recently ended sessions, revoked access-token ids and suspended users, as plain maps. It reads nothing:
 * RevocationFeedFollower loads it from the store at start and applies the feed's changes
 * (RevocationChange) as they come. Its freshness rule says when callers may trust it: loaded,
 * and the feed read to its end within INDEX_STALE_MS; otherwise they read the store (and fail
 * closed if it is down).
 */
@Injectable()
export class RevocationIndex implements RevocationFacts, RevocationSnapshotSink {
  private readonly listedSris = new SriExpiryTable();
  private readonly watermarks = new Map<string, number>();
  private readonly endedSessions = new Map<string, string>();
  /** SRI → until when it answers revoked: the SRIs of sessions that ended, whether their list entries remain or not. */
  private readonly endedSris = new SriExpiryTable();
  private readonly revokedTokens = new Map<string, number>();
  private readonly suspendedUsers = new Set<string>();
  /**
   * User tag → watermark, for watermarks whose sessions SessionWatermarkWorker has not marked
   * yet: a sealed SRI of such a session is listed before its row is (SriCodec).
   */
  private readonly pendingTags = new Map<string, number>();
  private loaded = false;
  private lastReadOk = 0;

  constructor(
    @InjectConfig('tokens') private readonly tokens: Pick<TokenConfig, 'accessTokenTtl' | 'idTokenTtl'>,
    private readonly sriLifetime: RevokedSriLifetime,
    private readonly sris: SriCodec,
  ) {}

  /** Whether answers from the index are current (loaded, and the feed read to its end within INDEX_STALE_MS). */
  isFresh(now = Date.now()): boolean {
    return this.loaded && now - this.lastReadOk < INDEX_STALE_MS;
  }

  /** The snapshot is in: the index is fresh from the next complete read of the feed. */
  markLoaded(): void {
    this.loaded = true;
  }

  /** Every event written up to `at` has been applied. */
  markCaughtUp(at: number): void {
    this.lastReadOk = at;
  }

  /** The feed could not be read: stale at once, since another instance may be revoking right now, unseen (INDEX_STALE_MS only bounds a read that hangs). */
  markUnreadable(): void {
    this.lastReadOk = 0;
  }

  isSriListed(sri: string, now = Date.now()): boolean {
    const until = this.listedSris.get(sri);
    if (until !== undefined) return until > now;
    // Only in the moments between a global revocation and the worker listing its sessions' SRIs.
    if (this.pendingTags.size === 0) return false;
    const opened = this.sris.open(sri);
    if (!opened) return false;
    const watermark = this.pendingTags.get(opened.tag);
    return watermark !== undefined && opened.createdAt <= watermark && this.sriLifetime.expiresAt(watermark) > now;
  }

  /**
   * What GET revokedSris/{id} answers: revoked when the SRI is listed, or when it is the SRI of a
   * session this server ended within the list's lifetime. An ended session never answers "not
   * revoked" because its entry was purged early (a client flooding the list) or it never had one
   * (ended by logout). Token checks need no such rule: they ask for the session's end itself.
   */
  isSriRevoked(sri: string, now = Date.now()): boolean {
    return this.isSriListed(sri, now) || (this.endedSris.get(sri) ?? 0) > now;
  }

  watermarkOf(userId: string): number {
    return this.watermarks.get(userId) ?? 0;
  }

  /** From the session id itself (newTokenId carries its start). */
  sessionStartOf(sessionId: string): number | undefined {
    return issuedAtOfTokenId(sessionId);
  }

  /** Why the session ended, when it ended within the access-token lifetime; undefined for a live one. */
  sessionEndReason(sessionId: string): string | undefined {
    return this.endedSessions.get(sessionId);
  }

  isTokenRevoked(id: string): boolean {
    return this.revokedTokens.has(id);
  }

  isUserSuspended(userId: string): boolean {
    return this.suspendedUsers.has(userId);
  }

  listedCount(): number {
    return this.listedSris.size;
  }

  /** How many entries of each kind it holds (for the start-up log). */
  sizes(): { listedSris: number; watermarks: number; endedSessions: number; revokedTokens: number } {
    return { listedSris: this.listedSris.size, watermarks: this.watermarks.size, endedSessions: this.endedSessions.size, revokedTokens: this.revokedTokens.size };
  }

  /** Applies one change from the feed. Client changes are not its business (ClientCache). */
  apply(change: RevocationChange): void {
    switch (change.kind) {
      case 'sri_listed':
        return this.listSri(change.sri, change.expiresAt);
      case 'sri_unlisted':
        this.listedSris.delete(change.sri);
        return;
      case 'watermark_raised':
        this.raiseWatermark(change.userId, change.validAfter);
        return this.addPendingWatermark(change.userId, change.validAfter);
      case 'sessions_marked': {
        // Its sessions' SRIs are listed now (changes before this one): they answer from the table.
        const tag = this.sris.tagOf(change.userId);
        if ((this.pendingTags.get(tag) ?? Infinity) <= change.validAfter) this.pendingTags.delete(tag);
        return;
      }
      case 'session_ended':
        this.endSession(change.sessionId, change.reason);
        return this.endSri(change.sri, change.endedAt);
      case 'token_revoked':
        return this.revokeToken(change.tokenId, change.expiresAt);
      case 'user_suspended':
        if (change.suspended) this.suspendedUsers.add(change.userId);
        else this.suspendedUsers.delete(change.userId);
        return;
      case 'client_changed':
        return;
    }
  }

  reserveListed(count: number): void {
    this.listedSris.reserve(count);
  }

  listSri(sri: string, expiresAt: number): void {
    this.listedSris.set(sri, expiresAt);
  }

  raiseWatermark(userId: string, validAfter: number): void {
    this.watermarks.set(userId, Math.max(this.watermarkOf(userId), validAfter));
  }

  addPendingWatermark(userId: string, validAfter: number): void {
    const tag = this.sris.tagOf(userId);
    this.pendingTags.set(tag, Math.max(this.pendingTags.get(tag) ?? 0, validAfter));
  }

  endSession(sessionId: string, reason: string): void {
    this.endedSessions.set(sessionId, reason);
  }

  endSri(sri: string, endedAt: number): void {
    const until = this.sriLifetime.expiresAt(endedAt);
    if (until > (this.endedSris.get(sri) ?? 0)) this.endedSris.set(sri, until);
  }

  revokeToken(tokenId: string, expiresAt: number): void {
    this.revokedTokens.set(tokenId, expiresAt);
  }

  suspendUser(userId: string): void {
    this.suspendedUsers.add(userId);
  }

  /** Drops what can no longer matter at `now`. */
  prune(now: number): void {
    const recent = now - this.recentWindowMs();
    this.listedSris.deleteExpired(now);
    this.endedSris.deleteExpired(now);
    for (const [k, until] of this.revokedTokens) if (until <= now) this.revokedTokens.delete(k);
    for (const [k, at] of this.watermarks) if (at <= recent) this.watermarks.delete(k);
    for (const [k, at] of this.pendingTags) if (this.sriLifetime.expiresAt(at) <= now) this.pendingTags.delete(k);
    // Ended sessions carry no time here: they are re-read at the next start; keep them (bounded by revocations).
  }

  /** Tokens issued before this window have expired, so older revocations no longer matter to access tokens. */
  recentWindowMs(): number {
    return (Math.max(this.tokens.accessTokenTtl, this.tokens.idTokenTtl) + 120) * 1000;
  }
}
