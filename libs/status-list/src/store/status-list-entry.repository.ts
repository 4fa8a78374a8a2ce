import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FeedSql, StatusListEntryEntity, Transactor } from '@app/store';

export type StatusListEntryRow = Omit<StatusListEntryEntity, 'id'>;

/** Rows per INSERT: SQLite binds at most 32,766 parameters per statement, 10 per row here. */
const INSERT_CHUNK = 500;
const READ_PAGE = 5000;
const COLUMNS = 'list_id, idx, token_id, token_type, client_id, user_id, session_id, sri, issued_at, expires_at';
type Num = number | string;
type RawRow = [Num, Num, Num, string | null, StatusListEntryEntity['tokenType'], string, string | null, string | null, string | null, Num, Num];

/**
 * Which token holds which index: written at issuance, followed by every instance by id. Plain
 * SQL, rows as arrays: these statements run for every token issued, and TypeORM's query
 * building and entity hydration would cost more than the rest of the status list's work.
 */
@Injectable()
export class StatusListEntryRepository {
  private readonly sql: FeedSql;
  private readonly postgres: boolean;

  constructor(dataSource: DataSource, private readonly tx: Transactor) {
    this.sql = new FeedSql(dataSource);
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Records entries, in the caller's transaction when given one. An entry already recorded
   * (an RFC 7009 revocation recording a token whose entry was still being written) is kept.
   */
  async insert(rows: StatusListEntryRow[], em?: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.with(em, async (m) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const values: unknown[] = [];
        const tuples = chunk.map((r) => {
          const at = values.length;
          values.push(r.listId, r.idx, r.tokenId, r.tokenType, r.clientId, r.userId, r.sessionId, r.sri, r.issuedAt, r.expiresAt);
          return `(${Array.from({ length: 10 }, (_, k) => (this.postgres ? `$${at + k + 1}` : '?')).join(', ')})`;
        });
        await m.query(`INSERT INTO status_list_entry (${COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
      }
    });
  }

  /** The last id written so far (0 when none). */
  async head(): Promise<number> {
    const [row] = await this.sql.rows<[Num | null]>('SELECT MAX(id) FROM status_list_entry');
    return Number(row?.[0] ?? 0);
  }

  /** Up to one page of entries after `cursor`, in id order; `caughtUp` when it was the last page. */
  async readAfter(cursor: number): Promise<{ rows: StatusListEntryEntity[]; caughtUp: boolean }> {
    const raw = await this.sql.rows<RawRow>(`SELECT id, ${COLUMNS} FROM status_list_entry WHERE id > :cursor ORDER BY id LIMIT ${READ_PAGE}`, { cursor });
    return { rows: raw.map(toEntry), caughtUp: raw.length < READ_PAGE };
  }

  /** Every entry whose token may still be presented at `since`, page by page (at start). */
  async readLive(since: number, page: (rows: StatusListEntryEntity[]) => void): Promise<void> {
    let last = 0;
    for (;;) {
      const raw = await this.sql.rows<RawRow>(
        `SELECT id, ${COLUMNS} FROM status_list_entry WHERE id > :last AND expires_at > :since ORDER BY id LIMIT ${READ_PAGE}`, { last, since },
      );
      page(raw.map(toEntry));
      if (raw.length < READ_PAGE) return;
      last = Number(raw[raw.length - 1][0]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Deletes the entries of tokens expired before `before`: their indexes are never handed out again, whatever the rows say. */
  async deleteExpired(before: number): Promise<number> {
    const r = await this.tx.run((m) => m.createQueryBuilder().delete().from(StatusListEntryEntity).where('expires_at < :before', { before }).execute());
    return r.affected ?? 0;
  }
}

function toEntry([id, listId, idx, tokenId, tokenType, clientId, userId, sessionId, sri, issuedAt, expiresAt]: RawRow): StatusListEntryEntity {
  return {
    id: Number(id), listId: Number(listId), idx: Number(idx), tokenId, tokenType, clientId, userId, sessionId, sri, issuedAt: Number(issuedAt), expiresAt: Number(expiresAt),
  };
}
