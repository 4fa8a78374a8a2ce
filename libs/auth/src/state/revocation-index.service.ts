import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/common';
import { ClientEntity, ClientRepository, RevocationEventEntity, RevokedSriLifetime, Transactor } from '@app/store';
import { SriCodec } from '../sessions/sri-codec.service';
import { SriExpiryTable } from './sri-expiry-table';

/** How often each instance reads the revocation feed; bounds the propagation delay between instances. */
export const INDEX_POLL_MS = 50;
/** Without a successful read for this long the index is stale and callers go back to the store. */
export const INDEX_STALE_MS = 2000;
/** How long a gap in event ids is waited for (a concurrent transaction still committing) before it is skipped. */
const GAP_WAIT_MS = 5000;
const CLIENT_TTL_MS = 60_000;
// Small pages, with a turn of the event loop between them: on SQLite every read blocks, and
// /health and the store fallback must keep answering while a large list loads.
const LOAD_PAGE = 10_000;
const CURSOR_PAGE = 2000;
const FEED_PAGE = 5000;

interface PgClient {
  query(config: string | { text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[] }>;
  release(): void;
}
/** The pg Pool under TypeORM's driver (its connections carry the schema in search_path: see dataSourceOptions). */
interface PgPool { connect(): Promise<PgClient> }
interface SqliteConnection { prepare(sql: string): { raw(on: boolean): { all(...params: unknown[]): unknown[] } } }

interface EventRow { id: number | string; kind: RevocationEventEntity['kind']; subject: string; value: string | null }

/**
 * The revocation state every hot path needs, in memory: listed SRIs, per-user watermarks,
 * recently ended sessions, revoked access-token ids, and registered clients. Loaded from the
 * store at start, then kept current by reading the `revocation_event` feed (written in the
 * same transaction as each revocation) every INDEX_POLL_MS, and at once after this instance's
 * own writes. Several instances on one store stay coherent this way; none trusts the index
 * once it has not read the feed for INDEX_STALE_MS: callers then read the store (and fail
 * closed if it is down).
 */
@Injectable()
export class RevocationIndex implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationIndex');
  private readonly listedSris = new SriExpiryTable();
  private readonly watermarks = new Map<string, number>();
  private readonly endedSessions = new Map<string, string>();
  private readonly revokedTokens = new Map<string, number>();
  private readonly clients = new Map<string, { client: ClientEntity | null; until: number }>();
  /**
   * User tag → watermark, for watermarks whose sessions SessionWatermarkWorker has not marked
   * yet: a sealed SRI of such a session is listed before its row is (SriCodec).
   */
  private readonly pendingTags = new Map<string, number>();

  private loaded = false;
  private cursor = 0;
  private gap?: { at: number; since: number };
  private lastReadOk = 0;
  private polling?: Promise<void>;
  private waiters: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastPrune = 0;
  private readFailing = false;
  private readonly appliedListeners: ((kind: RevocationEventEntity['kind']) => void)[] = [];
  private clientHits = 0;
  private reported = 0;
  private clientMisses = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sriLifetime: RevokedSriLifetime,
    private readonly dataSource: DataSource,
    private readonly clientRepo: ClientRepository,
    tx: Transactor,
    private readonly sris: SriCodec,
  ) {
    tx.onCommit(() => this.sync());
  }

  async onModuleInit(): Promise<void> {
    this.cursor = Number((await this.query<{ id: number | null }>('SELECT MAX(id) AS id FROM revocation_event'))[0]?.id ?? 0);
    // Loaded in the background: until then the index is not fresh and callers read the store.
    void this.load().catch((err) => this.logger.error(`Initial load failed: ${(err as Error).message}`));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Whether answers from the index are current (loaded, and the feed read within INDEX_STALE_MS). */
  isFresh(now = Date.now()): boolean {
    return this.loaded && now - this.lastReadOk < INDEX_STALE_MS;
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

  watermarkOf(userId: string): number {
    return this.watermarks.get(userId) ?? 0;
  }

  /** Why the session ended, when it ended within the access-token lifetime; undefined for a live one. */
  sessionEndReason(sessionId: string): string | undefined {
    return this.endedSessions.get(sessionId);
  }

  isTokenRevoked(id: string): boolean {
    return this.revokedTokens.has(id);
  }

  listedCount(): number {
    return this.listedSris.size;
  }

  /** Called for each feed event applied, whichever instance wrote it (metrics count them by kind). Must not throw. */
  onEventApplied(listener: (kind: RevocationEventEntity['kind']) => void): void {
    this.appliedListeners.push(listener);
  }

  /** The client record when memory can answer for it (null: known not to exist); undefined when only the store can. */
  cachedClient(clientId: string): ClientEntity | null | undefined {
    const now = Date.now();
    const hit = this.clients.get(clientId);
    if (!hit || hit.until <= now || !this.isFresh(now)) return undefined;
    this.clientHits++;
    return hit.client;
  }

  /** Client lookups answered from memory and from the store since start. */
  clientCacheStats(): { hits: number; misses: number } {
    return { hits: this.clientHits, misses: this.clientMisses };
  }

  /** The client record, from memory when recently read; dropped on every change to the client. */
  async client(clientId: string): Promise<ClientEntity | null> {
    const cached = this.cachedClient(clientId);
    if (cached !== undefined) return cached;
    const now = Date.now();
    this.clientMisses++;
    const client = await this.clientRepo.findById(clientId);
    if (this.clients.size > 10_000) this.clients.clear();
    this.clients.set(clientId, { client, until: now + (client ? CLIENT_TTL_MS : 1000) });
    return client;
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
    const recent = now - this.recentWindowMs();
    const [{ n }] = await this.query<{ n: string | number }>('SELECT COUNT(*) AS n FROM revoked_sri WHERE expires_at > :now', { now });
    this.listedSris.reserve(Number(n) + 1024);
    const pool = this.pgPool();
    if (pool) await this.loadListedThroughCursor(pool, now);
    else await this.loadListedInPages(now);
    for (const r of await this.query<{ user_id: string; valid_after: string | number }>(
      'SELECT user_id, valid_after FROM user_token_watermark WHERE valid_after > :recent', { recent },
    )) this.watermarks.set(r.user_id, Number(r.valid_after));
    for (const r of await this.query<{ user_id: string; valid_after: string | number }>(
      'SELECT user_id, valid_after FROM user_token_watermark WHERE (sessions_ended_at IS NULL OR sessions_ended_at < valid_after) AND valid_after > :since',
      { since: now - this.sriLifetime.ms },
    )) this.pendingTags.set(this.sris.tagOf(r.user_id), Number(r.valid_after));
    for (const r of await this.query<{ id: string; revoked_reason: string | null }>(
      'SELECT id, revoked_reason FROM user_session WHERE revoked_at > :recent', { recent },
    )) this.endedSessions.set(r.id, r.revoked_reason ?? 'revoked');
    for (const r of await this.query<{ id: string; expires_at: string | number }>(
      "SELECT id, expires_at FROM issued_token WHERE revoked_at IS NOT NULL AND expires_at > :now AND type = 'access_token'", { now },
    )) this.revokedTokens.set(r.id, Number(r.expires_at));
    this.loaded = true;
    this.logger.log(`Loaded ${this.listedSris.size} listed SRIs, ${this.watermarks.size} watermarks, ${this.endedSessions.size} ended sessions, ${this.revokedTokens.size} revoked tokens in ${Date.now() - now} ms`);
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
        if (caughtUp) this.lastReadOk = Date.now();
        if (this.readFailing) this.logger.log('Revocation feed readable again');
        this.readFailing = false;
      })
      .catch((err) => {
        if (!this.readFailing) this.logger.warn(`Revocation feed unreadable, answering from the store: ${(err as Error).message}`);
        this.readFailing = true;
        // Fail closed at once: another instance may be revoking right now, unseen; INDEX_STALE_MS
        // only bounds a read that hangs.
        this.lastReadOk = 0;
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
    const rows = await this.query<EventRow>(
      `SELECT id, kind, subject, value FROM revocation_event WHERE id > :cursor ORDER BY id LIMIT ${FEED_PAGE}`, { cursor: this.cursor },
    );
    const now = Date.now();
    let contiguous = this.cursor;
    for (const row of rows) {
      const id = Number(row.id);
      await this.apply(row, now);
      // Events above a gap are read again; each is reported once.
      if (id > this.reported) {
        this.reported = id;
        for (const listener of this.appliedListeners) listener(row.kind);
      }
      if (id === contiguous + 1) contiguous = id;
      else if (!this.gap || this.gap.at !== contiguous + 1) this.gap = { at: contiguous + 1, since: now };
    }
    // Ids can commit out of order on PostgreSQL: the cursor waits at a gap (events above it are
    // re-read, harmlessly) until it fills or is old enough to be a rolled-back transaction.
    if (rows.length > 0 && this.gap && contiguous < Number(rows[rows.length - 1].id) && now - this.gap.since > GAP_WAIT_MS) {
      contiguous = Number(rows[rows.length - 1].id);
    }
    if (this.gap && contiguous >= this.gap.at) this.gap = undefined;
    this.cursor = contiguous;
    if (now - this.lastPrune > 60_000) this.prune(now);
    return rows.length < FEED_PAGE;
  }

  private async apply(e: EventRow, now: number): Promise<void> {
    switch (e.kind) {
      case 'sri':
        this.listedSris.set(e.subject, Number(e.value));
        break;
      case 'sri_changed': {
        const [row] = await this.query<{ expires_at: string | number }>('SELECT expires_at FROM revoked_sri WHERE sri = :sri', { sri: e.subject });
        if (row) this.listedSris.set(e.subject, Number(row.expires_at));
        else this.listedSris.delete(e.subject);
        break;
      }
      case 'watermark': {
        this.watermarks.set(e.subject, Math.max(this.watermarkOf(e.subject), Number(e.value)));
        const tag = this.sris.tagOf(e.subject);
        this.pendingTags.set(tag, Math.max(this.pendingTags.get(tag) ?? 0, Number(e.value)));
        break;
      }
      case 'session':
      case 'session_sri':
        for (const r of await this.query<{ id: string; revoked_reason: string | null }>(
          `SELECT id, revoked_reason FROM user_session WHERE ${e.kind === 'session' ? 'id' : 'sri'} = :key AND revoked_at IS NOT NULL`, { key: e.subject },
        )) this.endedSessions.set(r.id, r.revoked_reason ?? 'revoked');
        break;
      case 'sessions_marked': {
        // The SRIs SessionWatermarkWorker listed, all at the watermark's instant (any other SRI
        // listed in that millisecond comes along, with its own expiry: as true). The sessions
        // themselves need no entry: they started at or before the user's watermark, which ends
        // their tokens (TokenStatusService) for as long as any token of theirs can be alive.
        for (const [sri, expiresAt] of await this.rows<[string, string | number]>(
          'SELECT sri, expires_at FROM revoked_sri WHERE created_at = :at', { at: Number(e.value) },
        )) this.listedSris.set(sri, Number(expiresAt));
        // Listed: they answer from the table now.
        const tag = this.sris.tagOf(e.subject);
        if ((this.pendingTags.get(tag) ?? Infinity) <= Number(e.value)) this.pendingTags.delete(tag);
        break;
      }
      case 'user_sessions':
        if (e.value !== null) {
          // The sessions one revocation ended at this instant and their SRIs, in one read.
          for (const [id, reason, sri, expiresAt] of await this.rows<[string, string | null, string, string | number | null]>(
            `SELECT s.id, s.revoked_reason, s.sri, r.expires_at FROM user_session s LEFT JOIN revoked_sri r ON r.sri = s.sri
             WHERE s.user_id = :userId AND s.revoked_at = :at`, { userId: e.subject, at: Number(e.value) },
          )) {
            this.endedSessions.set(id, reason ?? 'revoked');
            if (expiresAt !== null) this.listedSris.set(sri, Number(expiresAt));
          }
          break;
        }
        // Written without an instant (an earlier version): every ended session of the user.
        for (const r of await this.query<{ id: string; revoked_reason: string | null }>(
          'SELECT id, revoked_reason FROM user_session WHERE user_id = :userId AND revoked_at IS NOT NULL', { userId: e.subject },
        )) this.endedSessions.set(r.id, r.revoked_reason ?? 'revoked');
        for (const r of await this.query<{ sri: string; expires_at: string | number }>(
          'SELECT r.sri, r.expires_at FROM revoked_sri r INNER JOIN user_session s ON s.sri = r.sri WHERE s.user_id = :userId', { userId: e.subject },
        )) this.listedSris.set(r.sri, Number(r.expires_at));
        break;
      case 'token':
      case 'token_family':
      case 'client_tokens': {
        const column = e.kind === 'token' ? 'id' : e.kind === 'token_family' ? 'family_id' : 'client_id';
        for (const r of await this.query<{ id: string; expires_at: string | number }>(
          `SELECT id, expires_at FROM issued_token WHERE ${column} = :key AND revoked_at IS NOT NULL AND expires_at > :now`, { key: e.subject, now },
        )) this.revokedTokens.set(r.id, Number(r.expires_at));
        if (e.kind === 'client_tokens') this.clients.delete(e.subject);
        break;
      }
      case 'client':
        this.clients.delete(e.subject);
        break;
    }
  }

  private prune(now: number): void {
    this.lastPrune = now;
    const recent = now - this.recentWindowMs();
    this.listedSris.deleteExpired(now);
    for (const [k, until] of this.revokedTokens) if (until <= now) this.revokedTokens.delete(k);
    for (const [k, at] of this.watermarks) if (at <= recent) this.watermarks.delete(k);
    for (const [k, at] of this.pendingTags) if (this.sriLifetime.expiresAt(at) <= now) this.pendingTags.delete(k);
    // Ended sessions carry no time here: they are re-read at the next start; keep them (bounded by revocations).
  }

  /** Tokens issued before this window have expired, so older revocations no longer matter to access tokens. */
  private recentWindowMs(): number {
    return (Math.max(this.config.accessTokenTtl, this.config.idTokenTtl) + 120) * 1000;
  }

  /** SQLite: keyset pages read as raw rows, yielding to the event loop between them (better-sqlite3 is synchronous). */
  private async loadListedInPages(now: number): Promise<void> {
    let last = '';
    for (;;) {
      const page = await this.rows<[string, string | number]>(
        'SELECT sri, expires_at FROM revoked_sri WHERE expires_at > :now AND sri > :last ORDER BY sri LIMIT :limit',
        { now, last, limit: LOAD_PAGE },
      );
      for (const [sri, expiresAt] of page) this.listedSris.set(sri, Number(expiresAt));
      if (page.length < LOAD_PAGE) return;
      last = page[page.length - 1][0];
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * PostgreSQL: one scan through a server-side cursor, fetched a page at a time (the event loop
   * runs between fetches). Keyset pages cost a plan each, and on a freshly filled table without
   * statistics the planner sorted the whole list for every page (20 s for 1,000,000 SRIs).
   */
  private async loadListedThroughCursor(pool: PgPool, now: number): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query({ text: 'DECLARE listed_sris NO SCROLL CURSOR FOR SELECT sri, expires_at FROM revoked_sri WHERE expires_at > $1', values: [now] });
      for (;;) {
        const { rows } = await client.query({ text: `FETCH ${CURSOR_PAGE} FROM listed_sris`, values: [], rowMode: 'array' });
        for (const [sri, expiresAt] of rows as [string, string | number][]) this.listedSris.set(sri, Number(expiresAt));
        if (rows.length < CURSOR_PAGE) break;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private pgPool(): PgPool | undefined {
    return this.dataSource.options.type === 'postgres' ? (this.dataSource.driver as unknown as { master?: PgPool }).master : undefined;
  }

  /**
   * Rows as arrays of column values. On SQLite straight from better-sqlite3 (synchronous
   * anyway), without TypeORM's row objects: a million-entry load then leaves far less garbage.
   */
  private async rows<T extends unknown[]>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    const sqlite = this.dataSource.options.type === 'better-sqlite3' ? (this.dataSource.driver as unknown as { databaseConnection?: SqliteConnection }).databaseConnection : undefined;
    if (sqlite) return sqlite.prepare(text).raw(true).all(...values) as T[];
    const objects = (await this.dataSource.query(text, values)) as Record<string, unknown>[];
    return objects.map((o) => Object.values(o) as T);
  }

  private query<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values) as Promise<T[]>;
  }
}
