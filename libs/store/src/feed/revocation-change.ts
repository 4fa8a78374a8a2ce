import { RevocationEventKind } from '../entities';

/**
 * What one feed event changes in the revocation state, as plain values: applying a change
 * needs no read. RevocationFeedReader turns each `revocation_event` row into these.
 */
export type RevocationChange =
  /** The SRI is on the session revocation list until `expiresAt` (a later listing renews it). */
  | { kind: 'sri_listed'; sri: string; expiresAt: number }
  /** The SRI's entry was removed (purged before its expiry). */
  | { kind: 'sri_unlisted'; sri: string }
  /** The user's "valid after" watermark rose: tokens issued and sessions started at or before it are revoked. */
  | { kind: 'watermark_raised'; userId: string; validAfter: number }
  /** SessionWatermarkWorker marked the user's sessions up to `validAfter` ended and listed their SRIs. */
  | { kind: 'sessions_marked'; userId: string; validAfter: number }
  /** The session ended at `endedAt`, for `reason` (its `revoked_reason`); `sri` is its SRI. */
  | { kind: 'session_ended'; sessionId: string; reason: string; sri: string; endedAt: number }
  /** The access token was revoked; it matters until `expiresAt`. */
  | { kind: 'token_revoked'; tokenId: string; expiresAt: number }
  /** The client was created, changed or deleted: a cached copy is out of date. */
  | { kind: 'client_changed'; clientId: string }
  /** The user was suspended (or resumed: `suspended` false): a hold on every token of theirs. */
  | { kind: 'user_suspended'; userId: string; suspended: boolean };

/** One feed event: its id (the cursor), the kind it was written as, and what it changes. */
export interface RevocationFeedEvent {
  id: number;
  kind: RevocationEventKind;
  changes: RevocationChange[];
}

/**
 * Receives the revocation state at start, entry by entry (a list of a million SRIs is not
 * turned into a million change objects).
 */
export interface RevocationSnapshotSink {
  /** How many listed SRIs follow, so the receiver can make room once. */
  reserveListed(count: number): void;
  listSri(sri: string, expiresAt: number): void;
  raiseWatermark(userId: string, validAfter: number): void;
  /** A watermark whose sessions SessionWatermarkWorker has not all marked yet. */
  addPendingWatermark(userId: string, validAfter: number): void;
  endSession(sessionId: string, reason: string): void;
  /** The SRI of a session that ended at `endedAt` (within the list's lifetime), listed or not. */
  endSri(sri: string, endedAt: number): void;
  revokeToken(tokenId: string, expiresAt: number): void;
  suspendUser(userId: string): void;
}

/** Which part of the state the snapshot reads (epoch ms). */
export interface RevocationSnapshotWindow {
  now: number;
  /** Watermarks and ended sessions after this instant (older ones no longer matter to a live token). */
  recentSince: number;
  /** Unmarked watermarks after this instant (older ones' SRIs have left the list). */
  pendingSince: number;
  /** Sessions ended after this instant, for their SRIs (an ended session's SRI answers revoked for the list's lifetime). */
  endedSrisSince: number;
}
