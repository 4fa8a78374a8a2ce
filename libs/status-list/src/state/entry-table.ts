import type { RevocationChange } from '@app/store';

/** A token holding an index, with what the revocation rules need to decide its status. */
export interface TrackedEntry {
  readonly listId: number;
  readonly idx: number;
  /** The access token's `jti`; null for an ID token. */
  readonly tokenId: string | null;
  readonly clientId: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly sri: string | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Indexes stay below 2^24 (the largest capacity), so a list and an index make one safe integer. */
const key = (listId: number, idx: number) => listId * 16_777_216 + idx;

/**
 * The entries of the tokens that can still be presented, in memory, found by whatever a
 * revocation change names: the token, its user, its session, its SRI, its client. One map read
 * per change, so a revocation costs the entries it reaches, not a scan.
 */
export class EntryTable {
  private readonly byIndex = new Map<number, TrackedEntry>();
  private readonly byToken = new Map<string, TrackedEntry>();
  private readonly byUser = new Map<string, Set<TrackedEntry>>();
  private readonly bySession = new Map<string, Set<TrackedEntry>>();
  private readonly bySri = new Map<string, Set<TrackedEntry>>();
  private readonly byClient = new Map<string, Set<TrackedEntry>>();

  get size(): number {
    return this.byIndex.size;
  }

  /** Adds an entry; false when its index is known already (read again from the store). */
  add(e: TrackedEntry): boolean {
    const k = key(e.listId, e.idx);
    if (this.byIndex.has(k)) return false;
    this.byIndex.set(k, e);
    if (e.tokenId !== null) this.byToken.set(e.tokenId, e);
    addTo(this.byUser, e.userId, e);
    addTo(this.bySession, e.sessionId, e);
    addTo(this.bySri, e.sri, e);
    addTo(this.byClient, e.clientId, e);
    return true;
  }

  /** The entries whose status `change` may change. */
  *affectedBy(change: RevocationChange): Iterable<TrackedEntry> {
    switch (change.kind) {
      case 'token_revoked': {
        const e = this.byToken.get(change.tokenId);
        if (e) yield e;
        return;
      }
      case 'watermark_raised':
      case 'sessions_marked':
      case 'user_suspended':
        yield* this.ofUser(change.userId);
        return;
      case 'session_ended':
        yield* this.bySession.get(change.sessionId) ?? [];
        yield* this.bySri.get(change.sri) ?? [];
        return;
      case 'sri_listed':
      case 'sri_unlisted':
        yield* this.bySri.get(change.sri) ?? [];
        return;
      case 'client_changed':
        yield* this.byClient.get(change.clientId) ?? [];
        return;
    }
  }

  ofUser(userId: string): Iterable<TrackedEntry> {
    return this.byUser.get(userId) ?? [];
  }

  all(): Iterable<TrackedEntry> {
    return this.byIndex.values();
  }

  /** Forgets the entries of tokens expired before `before`, and returns them. */
  removeExpired(before: number): TrackedEntry[] {
    return this.removeWhere((e) => e.expiresAt < before);
  }

  /** Forgets every entry of a dropped list. */
  removeList(listId: number): void {
    this.removeWhere((e) => e.listId === listId);
  }

  private removeWhere(dropped: (e: TrackedEntry) => boolean): TrackedEntry[] {
    const removed: TrackedEntry[] = [];
    for (const [k, e] of this.byIndex) {
      if (!dropped(e)) continue;
      this.byIndex.delete(k);
      removed.push(e);
      if (e.tokenId !== null) this.byToken.delete(e.tokenId);
      removeFrom(this.byUser, e.userId, e);
      removeFrom(this.bySession, e.sessionId, e);
      removeFrom(this.bySri, e.sri, e);
      removeFrom(this.byClient, e.clientId, e);
    }
    return removed;
  }
}

function addTo(map: Map<string, Set<TrackedEntry>>, k: string | null, e: TrackedEntry): void {
  if (k === null) return;
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(e);
}

function removeFrom(map: Map<string, Set<TrackedEntry>>, k: string | null, e: TrackedEntry): void {
  if (k === null) return;
  const set = map.get(k);
  if (!set) return;
  set.delete(e);
  if (set.size === 0) map.delete(k);
}
