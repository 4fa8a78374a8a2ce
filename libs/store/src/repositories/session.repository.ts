import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Repository } from 'typeorm';
import { UserSessionEntity, UserTokenWatermarkEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';
import { toPending } from './watermark.repository';

/** A session as a revocation ended it. */
export interface EndedSessionRow {
  id: string;
  sri: string;
  userId: string;
  clientIds: string[];
}

/**
 * A session is ended once its user's watermark reaches its start, before SessionWatermarkWorker
 * marks the row: conditional writes that need a live session add this to their WHERE.
 */
const NOT_UNDER_WATERMARK =
  'NOT EXISTS (SELECT 1 FROM user_token_watermark w WHERE w.user_id = user_session.user_id AND w.valid_after >= user_session.created_at)';

/** Ended sessions from their rows; sessions of one user mostly share their client list, parsed once each. */
function toEndedRows(rows: { id: string; sri: string; client_ids: string }[], userId: string): EndedSessionRow[] {
  const parsed = new Map<string, string[]>();
  return rows.map((r) => {
    let clientIds = parsed.get(r.client_ids);
    if (!clientIds) parsed.set(r.client_ids, (clientIds = JSON.parse(r.client_ids) as string[]));
    return { id: r.id, sri: r.sri, userId, clientIds: [...clientIds] };
  });
}

/** The rows of a statement (with RETURNING on an UPDATE, too), in the caller's transaction. */
async function records<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    return ((await runner.query(sql, params, true)) as { records?: T[] }).records ?? [];
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(UserSessionEntity) private readonly repo: Repository<UserSessionEntity>, private readonly tx: Transactor) {}

  // Every read shows a session its user's watermark has ended as revoked (at the watermark,
  // with its reason), whether or not SessionWatermarkWorker has marked the row yet.

  async findById(id: string): Promise<UserSessionEntity | null> {
    return (await this.withWatermarks(await this.repo.findBy({ id })))[0] ?? null;
  }

  async findBySri(sri: string): Promise<UserSessionEntity | null> {
    return (await this.withWatermarks(await this.repo.findBy({ sri })))[0] ?? null;
  }

  async listByUser(userId: string): Promise<UserSessionEntity[]> {
    return this.withWatermarks(await this.repo.find({ where: { userId }, order: { createdAt: 'ASC' } }));
  }

  async listActiveByUser(userId: string): Promise<UserSessionEntity[]> {
    return (await this.listByUser(userId)).filter((s) => s.revokedAt === null);
  }

  /** How many sessions of the user are live (not revoked, not under its watermark), read in `em`. */
  async countLiveOfUser(userId: string, em: EntityManager): Promise<number> {
    return em.getRepository(UserSessionEntity).createQueryBuilder('user_session')
      .where(`user_session.user_id = :userId AND user_session.revoked_at IS NULL AND ${NOT_UNDER_WATERMARK}`, { userId }).getCount();
  }

  private async withWatermarks(sessions: UserSessionEntity[]): Promise<UserSessionEntity[]> {
    const live = sessions.filter((s) => s.revokedAt === null);
    if (live.length === 0) return sessions;
    const marks = await this.repo.manager.findBy(UserTokenWatermarkEntity, { userId: In([...new Set(live.map((s) => s.userId))]) });
    for (const w of marks.map(toPending)) {
      for (const s of live) {
        if (s.userId !== w.userId || s.createdAt > w.validAfter) continue;
        s.revokedAt = w.validAfter;
        s.revokedReason = w.reason;
        s.revokedBy = w.by;
      }
    }
    return sessions;
  }

  insert(session: UserSessionEntity, em?: EntityManager): Promise<unknown> {
    return this.tx.with(em, (m) => m.insert(UserSessionEntity, session));
  }

  create(values: Partial<UserSessionEntity>): UserSessionEntity {
    return this.repo.create(values);
  }

  /** Whether a session is usable at `now`: not revoked, not idle-expired, not past its maximum lifetime. */
  static isValid(s: UserSessionEntity, now = Date.now()): boolean {
    return s.revokedAt === null && now < s.lastActivityAt + s.idleTimeout * 1000 && now < s.createdAt + s.maxLifetime * 1000;
  }

  /**
   * The session a revocation has just ended, read in its transaction: the one with this id or
   * SRI. The revoke methods' conditional UPDATEs decide who ended a session; this only reads back
   * what they changed (revokeAllOfUser reads a user's sessions back itself).
   */
  async listEndedIn(where: { id: string } | { sri: string }, em: EntityManager): Promise<UserSessionEntity[]> {
    return em.find(UserSessionEntity, { where: 'id' in where ? { id: where.id } : { sri: where.sri } });
  }

  /**
   * Records that a client used a live session (single sign-on), in order of first use.
   * Conditional on the list as the caller read it and on the session being live: after a
   * concurrent change it returns false and the caller reads the session again.
   */
  async addClient(session: Pick<UserSessionEntity, 'id' | 'clientIds'>, clientId: string, em: EntityManager): Promise<boolean> {
    if (session.clientIds.includes(clientId)) return true;
    const r = await em.createQueryBuilder().update(UserSessionEntity)
      .set({ clientIds: [...session.clientIds, clientId] })
      .where(`id = :id AND revoked_at IS NULL AND client_ids = :seen AND ${NOT_UNDER_WATERMARK}`, { id: session.id, seen: JSON.stringify(session.clientIds) })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  // Sessions end through SessionTerminator (libs/sessions), which calls the revoke methods
  // below and, in the same transaction, queues the notifications of the sessions' clients.
  // Called from anywhere else, a session would end without anyone being told.

  /**
   * Revokes every live session of a user with one UPDATE and returns the sessions it ended
   * (id, SRI, clients only, not whole entities: a user may hold thousands). On PostgreSQL the
   * UPDATE returns them (of two concurrent revocations, each gets exactly those it changed).
   * Its `user_sessions` event carries `at`, so the indexes read only these sessions.
   */
  async revokeAllOfUser(userId: string, reason: string, by: string | null, at: number, em: EntityManager, onlyUnsealed = false): Promise<EndedSessionRow[]> {
    const values = { at, reason, by, userId };
    // onlyUnsealed: the sessions whose SRI no watermark can answer for (IDX_user_session_user_live finds just those).
    const [update, params] = em.connection.driver.escapeQueryWithParameters(
      `UPDATE user_session SET revoked_at = :at, revoked_reason = :reason, revoked_by = :by WHERE user_id = :userId AND revoked_at IS NULL${onlyUnsealed ? ' AND sri_sealed = FALSE' : ''}`, values,
    );
    let rows: { id: string; sri: string; client_ids: string }[];
    if (em.connection.options.type === 'better-sqlite3') {
      // SQLite's RETURNING costs more than reading the rows back, and its writers are serialized
      // (one transaction at a time): what this UPDATE marked is what the SELECT finds.
      await em.query(update, params);
      const [select, selectParams] = em.connection.driver.escapeQueryWithParameters(
        'SELECT id, sri, client_ids FROM user_session WHERE user_id = :userId AND revoked_at = :at AND revoked_reason = :reason', values,
      );
      rows = await em.query(select, selectParams);
    } else {
      rows = await records(em, `${update} RETURNING id, sri, client_ids`, params);
    }
    if (rows.length > 0 || !onlyUnsealed) await appendRevocationEvents(em, [{ kind: 'user_sessions', subject: userId, value: at }]);
    return toEndedRows(rows, userId);
  }

  /** Whether the user has a live session row started at or before `upTo` (one index probe, IDX_user_session_user_live). */
  async hasLiveUnderWatermark(userId: string, upTo: number): Promise<boolean> {
    const rows: unknown[] = await this.repo.createQueryBuilder('user_session').select('user_session.id')
      .where('user_session.user_id = :userId AND user_session.revoked_at IS NULL AND user_session.created_at <= :upTo', { userId, upTo }).limit(1).getRawMany();
    return rows.length > 0;
  }

  /**
   * Marks ended up to `limit` live sessions of a user started at or before `upTo` (the user's
   * watermark, which has already ended them): SessionWatermarkWorker's batch. Of two instances
   * running it, each gets exactly the sessions it changed. No feed event: the worker appends
   * one `sessions_marked` event once the user is done.
   */
  async revokeUnderWatermark(userId: string, upTo: number, reason: string, by: string | null, limit: number, em: EntityManager): Promise<{ selected: number; ended: EndedSessionRow[] }> {
    const [select, selectParams] = em.connection.driver.escapeQueryWithParameters(
      // Any live ones (IDX_user_session_user_live reads only those): no order to sort the user's sessions into.
      `SELECT id, sri, client_ids FROM user_session WHERE user_id = :userId AND revoked_at IS NULL AND created_at <= :upTo LIMIT ${Math.floor(limit)}`,
      { userId, upTo },
    );
    const picked: { id: string; sri: string; client_ids: string }[] = await em.query(select, selectParams);
    if (picked.length === 0) return { selected: 0, ended: [] };
    const [update, params] = em.connection.driver.escapeQueryWithParameters(
      'UPDATE user_session SET revoked_at = :at, revoked_reason = :reason, revoked_by = :by WHERE id IN (:...ids) AND revoked_at IS NULL',
      { at: upTo, reason, by, ids: picked.map((r) => r.id) },
    );
    let rows = picked;
    // SQLite's writers are serialized: what the SELECT found live, this UPDATE ends.
    if (em.connection.options.type === 'better-sqlite3') await em.query(update, params);
    else rows = await records(em, `${update} RETURNING id, sri, client_ids`, params);
    return { selected: picked.length, ended: toEndedRows(rows, userId) };
  }

  /** Revokes one session (set-based, idempotent). Returns whether a live session was revoked. */
  async revoke(id: string, reason: string, by: string | null, em?: EntityManager): Promise<boolean> {
    const r = await this.tx.with(em, async (m) => {
      const res = await m.update(UserSessionEntity, { id, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason, revokedBy: by });
      if ((res.affected ?? 0) > 0) await appendRevocationEvents(m, [{ kind: 'session', subject: id }]);
      return res;
    });
    return (r.affected ?? 0) > 0;
  }

  /** Revokes the session holding this SRI, if live. Returns whether one was. */
  async revokeBySri(sri: string, reason: string, by: string | null, at: number, em?: EntityManager): Promise<boolean> {
    const r = await this.tx.with(em, async (m) => {
      const res = await m.update(UserSessionEntity, { sri, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason, revokedBy: by });
      if ((res.affected ?? 0) > 0) await appendRevocationEvents(m, [{ kind: 'session_sri', subject: sri }]);
      return res;
    });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Records activity at `at` with this idle timeout (seconds). Conditional on the row being as
   * the caller read it (same last activity, not revoked): a concurrent writer wins, a revoked
   * session is never touched. Returns whether the row was written.
   */
  async recordActivity(id: string, seenLastActivityAt: number, at: number, idleTimeout: number, em?: EntityManager): Promise<boolean> {
    const r = await this.tx.with(em, (m) =>
      m.createQueryBuilder().update(UserSessionEntity).set({ lastActivityAt: at, idleTimeout })
        .where(`id = :id AND last_activity_at = :seen AND revoked_at IS NULL AND ${NOT_UNDER_WATERMARK}`, { id, seen: seenLastActivityAt }).execute(),
    );
    return (r.affected ?? 0) > 0;
  }
}
