import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevocationEventKind } from '../entities';
import { FeedSql, PgPool } from './feed-sql';
import { RevocationChange, RevocationFeedEvent, RevocationSnapshotSink, RevocationSnapshotWindow } from './revocation-change';

// Small pages, with a turn of the event loop between them: on SQLite every read blocks, and
// /health and the store fallback must keep answering while a large list loads.
const LOAD_PAGE = 10_000;
const CURSOR_PAGE = 2000;
const FEED_PAGE = 5000;

interface EventRow { id: number | string; kind: RevocationEventKind; subject: string; value: string | null }
type Num = string | number;

/**
 * Reads the revocation state from the store: a snapshot at start, then the `revocation_event`
 * feed in id order, each event as typed changes. Events that name a set (a user's sessions, a
 * token family, a purged SRI) are expanded here, with one read each, so that whoever applies
 * the changes reads nothing.
 */
@Injectable()
export class RevocationFeedReader {
  private readonly sql: FeedSql;

  constructor(dataSource: DataSource) {
    this.sql = new FeedSql(dataSource);
  }

  /** The id of the last event written so far (0 when none). */
  async head(): Promise<number> {
    return Number((await this.sql.query<{ id: number | null }>('SELECT MAX(id) AS id FROM revocation_event'))[0]?.id ?? 0);
  }

  /** Up to one page of events after `cursor`; `caughtUp` when it was the last page. `now` bounds the revoked tokens worth reading. */
  async readAfter(cursor: number, now: number): Promise<{ events: RevocationFeedEvent[]; caughtUp: boolean }> {
    const rows = await this.sql.query<EventRow>(
      `SELECT id, kind, subject, value FROM revocation_event WHERE id > :cursor ORDER BY id LIMIT ${FEED_PAGE}`, { cursor },
    );
    const events: RevocationFeedEvent[] = [];
    for (const row of rows) events.push({ id: Number(row.id), kind: row.kind, changes: await this.changesOf(row, now) });
    return { events, caughtUp: rows.length < FEED_PAGE };
  }

  /** The state that matters now: listed SRIs, recent watermarks, unmarked watermarks, recently ended sessions and their SRIs, revoked live access tokens. */
  async readSnapshot(w: RevocationSnapshotWindow, sink: RevocationSnapshotSink): Promise<void> {
    const [{ n }] = await this.sql.query<{ n: Num }>('SELECT COUNT(*) AS n FROM revoked_sri WHERE expires_at > :now', { now: w.now });
    sink.reserveListed(Number(n) + 1024);
    const pool = this.sql.pgPool();
    if (pool) await this.listedThroughCursor(pool, w.now, sink);
    else await this.listedInPages(w.now, sink);
    for (const [userId, at] of await this.sql.rows<[string, Num]>(
      'SELECT user_id, valid_after FROM user_token_watermark WHERE valid_after > :recent', { recent: w.recentSince },
    )) sink.raiseWatermark(userId, Number(at));
    for (const [userId, at] of await this.sql.rows<[string, Num]>(
      'SELECT user_id, valid_after FROM user_token_watermark WHERE (sessions_ended_at IS NULL OR sessions_ended_at < valid_after) AND valid_after > :since',
      { since: w.pendingSince },
    )) sink.addPendingWatermark(userId, Number(at));
    for (const [id, reason, sri, endedAt] of await this.sql.rows<[string, string | null, string, Num]>(
      'SELECT id, revoked_reason, sri, revoked_at FROM user_session WHERE revoked_at > :since', { since: Math.min(w.recentSince, w.endedSrisSince) },
    )) {
      if (Number(endedAt) > w.recentSince) sink.endSession(id, reason ?? 'revoked');
      if (Number(endedAt) > w.endedSrisSince) sink.endSri(sri, Number(endedAt));
    }
    for (const [id, expiresAt] of await this.sql.rows<[string, Num]>(
      "SELECT id, expires_at FROM issued_token WHERE revoked_at IS NOT NULL AND expires_at > :now AND type = 'access_token'", { now: w.now },
    )) sink.revokeToken(id, Number(expiresAt));
    for (const [userId] of await this.sql.rows<[string]>('SELECT user_id FROM user_suspension')) sink.suspendUser(userId);
  }

  private async changesOf(e: EventRow, now: number): Promise<RevocationChange[]> {
    switch (e.kind) {
      case 'sri':
        return [{ kind: 'sri_listed', sri: e.subject, expiresAt: Number(e.value) }];
      case 'sri_changed': {
        const [row] = await this.sql.rows<[Num]>('SELECT expires_at FROM revoked_sri WHERE sri = :sri', { sri: e.subject });
        if (row) return [{ kind: 'sri_listed', sri: e.subject, expiresAt: Number(row[0]) }];
        // Purged before its expiry: the SRI of a session that has ended still answers revoked.
        return [{ kind: 'sri_unlisted', sri: e.subject }, ...(await this.endedSessions('sri = :key AND revoked_at IS NOT NULL', { key: e.subject }))];
      }
      case 'watermark':
        return [{ kind: 'watermark_raised', userId: e.subject, validAfter: Number(e.value) }];
      case 'session':
      case 'session_sri':
        return this.endedSessions(`${e.kind === 'session' ? 'id' : 'sri'} = :key AND revoked_at IS NOT NULL`, { key: e.subject });
      case 'sessions_marked': {
        // The SRIs SessionWatermarkWorker listed, all at the watermark's instant (any other SRI
        // listed in that millisecond comes along, with its own expiry: as true). The sessions
        // themselves need no change: they started at or before the user's watermark, which ends
        // their tokens for as long as any token of theirs can be alive.
        const changes = await this.listedSris('SELECT sri, expires_at FROM revoked_sri WHERE created_at = :at', { at: Number(e.value) });
        changes.push({ kind: 'sessions_marked', userId: e.subject, validAfter: Number(e.value) });
        return changes;
      }
      case 'user_sessions':
        return this.userSessions(e.subject, e.value);
      case 'token':
      case 'token_family':
      case 'client_tokens': {
        const column = e.kind === 'token' ? 'id' : e.kind === 'token_family' ? 'family_id' : 'client_id';
        const changes: RevocationChange[] = (await this.sql.rows<[string, Num]>(
          `SELECT id, expires_at FROM issued_token WHERE ${column} = :key AND revoked_at IS NOT NULL AND expires_at > :now`, { key: e.subject, now },
        )).map(([tokenId, expiresAt]) => ({ kind: 'token_revoked', tokenId, expiresAt: Number(expiresAt) }));
        if (e.kind === 'client_tokens') changes.push({ kind: 'client_changed', clientId: e.subject });
        return changes;
      }
      case 'client':
        return [{ kind: 'client_changed', clientId: e.subject }];
      case 'user_suspension': {
        // Read again rather than carried: of a suspension and a resumption, the row says which came last.
        const [row] = await this.sql.rows<[string]>('SELECT user_id FROM user_suspension WHERE user_id = :userId', { userId: e.subject });
        return [{ kind: 'user_suspended', userId: e.subject, suspended: row !== undefined }];
      }
      default:
        return [];
    }
  }

  /** The sessions one revocation ended at the instant `at` and their SRIs, in one read; `at` null (an earlier version's event): every ended session of the user. */
  private async userSessions(userId: string, at: string | null): Promise<RevocationChange[]> {
    const changes: RevocationChange[] = [];
    if (at !== null) {
      for (const [id, reason, sri, expiresAt] of await this.sql.rows<[string, string | null, string, Num | null]>(
        `SELECT s.id, s.revoked_reason, s.sri, r.expires_at FROM user_session s LEFT JOIN revoked_sri r ON r.sri = s.sri
         WHERE s.user_id = :userId AND s.revoked_at = :at`, { userId, at: Number(at) },
      )) {
        changes.push({ kind: 'session_ended', sessionId: id, reason: reason ?? 'revoked', sri, endedAt: Number(at) });
        if (expiresAt !== null) changes.push({ kind: 'sri_listed', sri, expiresAt: Number(expiresAt) });
      }
      return changes;
    }
    changes.push(...(await this.endedSessions('user_id = :userId AND revoked_at IS NOT NULL', { userId })));
    changes.push(...(await this.listedSris('SELECT r.sri, r.expires_at FROM revoked_sri r INNER JOIN user_session s ON s.sri = r.sri WHERE s.user_id = :userId', { userId })));
    return changes;
  }

  private async endedSessions(where: string, params: Record<string, unknown>): Promise<RevocationChange[]> {
    return (await this.sql.rows<[string, string | null, string, Num]>(`SELECT id, revoked_reason, sri, revoked_at FROM user_session WHERE ${where}`, params))
      .map(([sessionId, reason, sri, endedAt]) => ({ kind: 'session_ended', sessionId, reason: reason ?? 'revoked', sri, endedAt: Number(endedAt) }));
  }

  private async listedSris(sql: string, params: Record<string, unknown>): Promise<RevocationChange[]> {
    return (await this.sql.rows<[string, Num]>(sql, params)).map(([sri, expiresAt]) => ({ kind: 'sri_listed', sri, expiresAt: Number(expiresAt) }));
  }

  /** SQLite: keyset pages read as raw rows, yielding to the event loop between them (better-sqlite3 is synchronous). */
  private async listedInPages(now: number, sink: RevocationSnapshotSink): Promise<void> {
    let last = '';
    for (;;) {
      const page = await this.sql.rows<[string, Num]>(
        'SELECT sri, expires_at FROM revoked_sri WHERE expires_at > :now AND sri > :last ORDER BY sri LIMIT :limit',
        { now, last, limit: LOAD_PAGE },
      );
      for (const [sri, expiresAt] of page) sink.listSri(sri, Number(expiresAt));
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
  private async listedThroughCursor(pool: PgPool, now: number, sink: RevocationSnapshotSink): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query({ text: 'DECLARE listed_sris NO SCROLL CURSOR FOR SELECT sri, expires_at FROM revoked_sri WHERE expires_at > $1', values: [now] });
      for (;;) {
        const { rows } = await client.query({ text: `FETCH ${CURSOR_PAGE} FROM listed_sris`, values: [], rowMode: 'array' });
        for (const [sri, expiresAt] of rows as [string, Num][]) sink.listSri(sri, Number(expiresAt));
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
}
