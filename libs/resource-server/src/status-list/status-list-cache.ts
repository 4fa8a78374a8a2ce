import { StatusUnavailableError } from '../errors';
import type { DecodedStatusList } from './status-list';
import type { FetchedStatusList } from './status-list-token';

export interface StatusListCacheOptions {
  defaultTtlMs: number;
  minTtlMs: number;
  maxTtlMs: number;
  graceFactor: number;
  refreshAhead: number;
}

interface CachedList {
  list: DecodedStatusList;
  /** From here on, a lookup starts a background refresh. */
  refreshFrom: number;
  /** Until here, the list is used without fetching (fetch time + ttl, never past `exp`). */
  freshUntil: number;
  /** Until here, the list is still used while refreshes fail (the grace); never past `exp`. */
  usableUntil: number;
}

/** After a failed fetch, how long lookups use what they have instead of fetching again: one attempt a second per list at most. */
const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Status lists by `uri`: one fetch at a time per uri however many verifications wait on it,
 * reused for the list's ttl (draft §13.7, first option: from the time of fetching), refreshed in
 * the background before that ends, and kept through a bounded grace when refreshes fail.
 * Lists are fetched on demand only: a list no token names any more is never fetched again.
 */
export class StatusListCache {
  private readonly lists = new Map<string, CachedList>();
  private readonly inFlight = new Map<string, Promise<CachedList>>();
  private readonly failures = new Map<string, { retryAt: number; error: unknown }>();

  constructor(
    private readonly fetchList: (uri: string) => Promise<FetchedStatusList>,
    private readonly options: StatusListCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async get(uri: string): Promise<DecodedStatusList> {
    const now = this.now();
    const cached = this.lists.get(uri);
    if (cached && now < cached.freshUntil) {
      if (now >= cached.refreshFrom) this.refreshInBackground(uri, now);
      return cached.list;
    }
    const failure = this.failures.get(uri);
    if (failure && now < failure.retryAt) return this.lastGood(uri, now, failure.error);
    try {
      return (await this.refresh(uri)).list;
    } catch (error) {
      return this.lastGood(uri, this.now(), error);
    }
  }

  /** The last good list while within its grace; past that, fail closed and say why. */
  private lastGood(uri: string, now: number, error: unknown): DecodedStatusList {
    const cached = this.lists.get(uri);
    if (cached && now < cached.usableUntil) return cached.list;
    const reason = error instanceof Error ? error.message : String(error);
    const state = cached ? 'its last good copy is past its grace' : 'no copy was ever fetched';
    throw new StatusUnavailableError(`The status list ${uri} cannot be refreshed (${reason}) and ${state}.`, { cause: error });
  }

  private refresh(uri: string): Promise<CachedList> {
    let pending = this.inFlight.get(uri);
    if (!pending) {
      pending = this.fetchAndStore(uri).finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    return pending;
  }

  private refreshInBackground(uri: string, now: number): void {
    const failure = this.failures.get(uri);
    if (this.inFlight.has(uri) || (failure && now < failure.retryAt)) return;
    // A failure is recorded by fetchAndStore; the lookup that finds the list stale acts on it.
    this.refresh(uri).catch(() => undefined);
  }

  private async fetchAndStore(uri: string): Promise<CachedList> {
    let fetched: FetchedStatusList;
    try {
      fetched = await this.fetchList(uri);
    } catch (error) {
      this.failures.set(uri, { retryAt: this.now() + RETRY_AFTER_FAILURE_MS, error });
      throw error;
    }
    const cached = this.cacheEntry(fetched, this.now());
    this.lists.set(uri, cached);
    this.failures.delete(uri);
    return cached;
  }

  private cacheEntry({ list, ttl, exp }: FetchedStatusList, now: number): CachedList {
    const { defaultTtlMs, minTtlMs, maxTtlMs, graceFactor, refreshAhead } = this.options;
    // §11.5: the list's ttl is held within bounds the relying party chose.
    const ttlMs = Math.min(Math.max(ttl !== undefined ? ttl * 1000 : defaultTtlMs, minTtlMs), maxTtlMs);
    // §13.7: exp marks when the list "MUST NOT be relied upon any longer", grace or not.
    const expiresAt = exp !== undefined ? exp * 1000 : Infinity;
    const freshUntil = Math.min(now + ttlMs, expiresAt);
    return {
      list,
      refreshFrom: now + (freshUntil - now) * refreshAhead,
      freshUntil,
      usableUntil: Math.min(now + ttlMs * (1 + graceFactor), expiresAt),
    };
  }
}
