import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientCache, RevocationFactSources, RevocationFeedFollower, RevocationIndex, StoreRevocationFacts } from '@app/auth';
import {
  ClientEntity, IssuedTokenEntity, RevocationChange, RevokedSriRepository, SessionRepository, UserSuspensionRepository, WatermarkRepository,
} from '@app/store';
import { StatusType } from '../../../resource-server/src/status-list';
import { StatusListPublisher } from '../serving/status-list-publisher.service';
import { EXPIRY_MARGIN_MS } from '../status-list.constants';
import { StatusListEntryRepository, StatusListEntryRow } from '../store/status-list-entry.repository';
import { StatusListRepository } from '../store/status-list.repository';
import { EntryTable, TrackedEntry } from './entry-table';
import { asOf, entryState, entryStatus, NO_TOKEN_ID, policyOf, statusOfState } from './entry-status';
import { ListState } from './list-state';

/** How often the lists are brought up to date: new entries read, changed statuses recomputed, changed lists signed. */
export const REBUILD_MS = 200;
/** Every status recomputed from scratch this often: the safety net under the incremental updates. */
const FULL_RECOMPUTE_MS = 60_000;
/** How often the list rows are read (lists other instances created, lists dropped). */
const LISTS_READ_MS = 1000;
/** How often expired entries are forgotten and retired lists dropped. */
const RETENTION_MS = 60_000;
/** How long a gap in entry ids is waited for (PostgreSQL commits ids out of order) before it is skipped. */
const GAP_WAIT_MS = 5000;
const YIELD_EVERY = 5000;

/**
 * Keeps every status list's statuses in memory and their signed tokens current. Each instance
 * follows the entry table by id (every instance's tokens), and the revocation feed through
 * RevocationFeedFollower: each change marks the entries it reaches (a token, a user, a session,
 * an SRI, a client), and every REBUILD_MS those are recomputed with the rules introspection
 * uses (entryStatus over the RevocationIndex) and the lists they changed signed again. So a
 * revocation, whichever path made it and whichever instance, reaches every instance's lists
 * within the feed's delay and one rebuild, and a global revocation stays one row in its request.
 */
@Injectable()
export class StatusListTracker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatusList');
  private readonly table = new EntryTable();
  private readonly lists = new Map<number, ListState>();
  private readonly dirty = new Set<TrackedEntry>();
  private readonly sources: RevocationFactSources;
  private allDirty = true;
  private ready = false;
  private cursor = 0;
  private gap?: { at: number; since: number };
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;
  private lastListsRead = 0;
  private lastFull = 0;
  private lastRetention = 0;

  constructor(
    private readonly index: RevocationIndex,
    private readonly follower: RevocationFeedFollower,
    private readonly clients: ClientCache,
    private readonly listRows: StatusListRepository,
    private readonly entryRows: StatusListEntryRepository,
    private readonly publisher: StatusListPublisher,
    watermarks: WatermarkRepository, sessions: SessionRepository, revokedSris: RevokedSriRepository, suspensions: UserSuspensionRepository,
  ) {
    this.sources = { watermarks, sessions, revokedSris, suspensions };
  }

  onModuleInit(): void {
    this.follower.onEventApplied((_kind, changes) => this.markAffected(changes));
  }

  onApplicationBootstrap(): void {
    // In the background: until the first lists are signed they answer 503, and issuance does not wait.
    void this.load().catch((err: Error) => {
      this.logger.error(`Loading the status lists failed, retrying: ${err.message}`);
      this.schedule(1000);
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Whether every list has been computed once and signed. */
  isReady(): boolean {
    return this.ready;
  }

  knowsList(listId: number): boolean {
    return this.lists.has(listId);
  }

  listIds(): number[] {
    return [...this.lists.keys()].sort((a, b) => a - b);
  }

  private markAffected(changes: readonly RevocationChange[]): void {
    for (const change of changes) for (const entry of this.table.affectedBy(change)) this.dirty.add(entry);
  }

  /** This instance's own entries, known at once (the others' come through the entry table). */
  trackIssued(rows: readonly StatusListEntryRow[]): void {
    const now = Date.now();
    for (const row of rows) this.track(row, now);
  }

  private async load(): Promise<void> {
    const now = Date.now();
    this.cursor = await this.entryRows.head();
    await this.readLists(now);
    await this.entryRows.readLive(now - EXPIRY_MARGIN_MS, (rows) => rows.forEach((row) => this.track(row, now)));
    this.logger.log(`Loaded ${this.lists.size} status lists, ${this.table.size} entries in ${Date.now() - now} ms`);
    this.schedule(0);
  }

  private schedule(delay = REBUILD_MS): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.rebuild(Date.now());
      if (this.failing) this.logger.log('Status lists current again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn(`Status list rebuild failed, the signed lists stay as they are: ${(err as Error).message}`);
      this.failing = true;
    } finally {
      this.schedule();
    }
  }

  private async rebuild(now: number): Promise<void> {
    if (now - this.lastListsRead >= LISTS_READ_MS) await this.readLists(now);
    await this.followEntries(now);
    // Without current facts nothing is recomputed nor signed again: the signed copies age out (their exp) instead of vouching for stale statuses.
    if (!this.index.isFresh(now)) return;
    if (now - this.lastFull >= FULL_RECOMPUTE_MS) this.allDirty = true;
    await this.recompute(now);
    for (const list of this.lists.values()) {
      if (!this.publisher.isDue(list, now)) continue;
      await this.publisher.publish(list, now);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.ready = true;
    if (now - this.lastRetention >= RETENTION_MS) await this.retain(now);
  }

  private track(row: StatusListEntryRow, now: number): boolean {
    if (row.expiresAt + EXPIRY_MARGIN_MS < now) return true;
    const { listId, idx, tokenId, clientId, userId, sessionId, sri, issuedAt, expiresAt } = row;
    const entry: TrackedEntry = { listId, idx, tokenId, clientId, userId, sessionId, sri, issuedAt, expiresAt };
    if (this.table.add(entry)) this.dirty.add(entry);
    return this.lists.has(listId);
  }

  /** Reads the entries written since the cursor, by any instance; the cursor waits at a gap like the revocation feed's. */
  private async followEntries(now: number): Promise<void> {
    let unknownList = false;
    for (;;) {
      const { rows, caughtUp } = await this.entryRows.readAfter(this.cursor);
      let contiguous = this.cursor;
      for (const row of rows) {
        if (!this.track(row, now)) unknownList = true;
        if (row.id === contiguous + 1) contiguous = row.id;
        else if (!this.gap || this.gap.at !== contiguous + 1) this.gap = { at: contiguous + 1, since: now };
      }
      const last = rows.length > 0 ? rows[rows.length - 1].id : 0;
      if (this.gap && contiguous < last && now - this.gap.since > GAP_WAIT_MS) contiguous = last;
      if (this.gap && contiguous >= this.gap.at) this.gap = undefined;
      const advanced = contiguous === last;
      this.cursor = contiguous;
      if (caughtUp || !advanced) break;
    }
    if (unknownList) await this.readLists(now);
  }

  /** Lists other instances created, and lists dropped (retired) by any instance. */
  private async readLists(now: number): Promise<void> {
    this.lastListsRead = now;
    const rows = await this.listRows.all();
    const present = new Set<number>();
    for (const row of rows) {
      present.add(row.id);
      if (this.lists.has(row.id)) continue;
      this.lists.set(row.id, new ListState(row.id, row.capacity));
      // Entries read before their list was: give them their statuses now.
      this.allDirty = true;
    }
    for (const id of [...this.lists.keys()]) if (!present.has(id)) this.forgetList(id);
  }

  private forgetList(id: number): void {
    this.lists.delete(id);
    this.table.removeList(id);
    this.publisher.drop(id);
  }

  private async recompute(now: number): Promise<void> {
    const full = this.allDirty;
    const entries = full ? [...this.table.all()] : [...this.dirty];
    this.allDirty = false;
    this.dirty.clear();
    if (full) this.lastFull = now;
    const clients = new Map<string, ClientEntity | null>();
    try {
      let n = 0;
      for (const entry of entries) {
        const list = this.lists.get(entry.listId);
        if (!list) continue;
        let client = clients.get(entry.clientId);
        if (client === undefined) clients.set(entry.clientId, (client = await this.clients.get(entry.clientId)));
        list.set(entry.idx, entryStatus(entry, this.index, client, now) ?? (await this.statusFromStore(entry, client!, now)));
        if (++n % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      // Whatever was left is done by the next pass, from scratch.
      this.allDirty = true;
      throw err;
    }
  }

  /** The same rules over facts read from the store, for a token whose session the index cannot place. */
  private async statusFromStore(entry: TrackedEntry, client: ClientEntity, now: number): Promise<number> {
    const at = asOf(entry, now);
    const record = {
      id: entry.tokenId ?? NO_TOKEN_ID, clientId: entry.clientId, userId: entry.userId, sessionId: entry.sessionId, issuedAt: entry.issuedAt, expiresAt: entry.expiresAt,
      revokedAt: entry.tokenId !== null && this.index.isTokenRevoked(entry.tokenId) ? at : null,
    } as IssuedTokenEntity;
    const policy = policyOf(entry, client);
    const facts = await StoreRevocationFacts.load(this.sources, record, at, () => Promise.resolve(policy));
    const state = entryState(entry, facts, facts.policy, now, facts.session?.sri ?? entry.sri);
    return state ? statusOfState(state) : StatusType.INVALID;
  }

  /**
   * Forgets the entries of tokens expired for longer than EXPIRY_MARGIN_MS (their indexes read
   * VALID again, as on an instance that never loaded them), deletes their rows, and drops the
   * lists whose every token has expired (any instance may; the others follow the list rows).
   */
  private async retain(now: number): Promise<void> {
    this.lastRetention = now;
    const before = now - EXPIRY_MARGIN_MS;
    const expired = this.table.removeExpired(before);
    for (const entry of expired) this.lists.get(entry.listId)?.set(entry.idx, StatusType.VALID);
    // Every instance knows every entry: with none expired here there is no row to delete, and no write to make.
    if (expired.length > 0) await this.entryRows.deleteExpired(before);
    for (const id of await this.listRows.dropRetired(now)) this.forgetList(id);
  }
}
