import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { UserSessionEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';

/** A session as a revocation ended it. */
export interface EndedSessionRow {
  id: string;
  sri: string;
  userId: string;
  clientIds: string[];
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

  findById(id: string): Promise<UserSessionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findBySri(sri: string): Promise<UserSessionEntity | null> {
    return this.repo.findOneBy({ sri });
  }

  listByUser(userId: string): Promise<UserSessionEntity[]> {
    return this.repo.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  listActiveByUser(userId: string): Promise<UserSessionEntity[]> {
    return this.repo.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
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
   * The sessions a revocation has just ended, read in its transaction: the one with this id or
   * SRI, or those of a user that this revocation marked (`revoked_at` = its instant, with its
   * reason). The revoke methods' conditional UPDATEs decide who ended a session; this only
   * reads back what they changed.
   */
  async listEndedIn(where: { id: string } | { sri: string } | { userId: string; at: number; reason: string }, em: EntityManager): Promise<UserSessionEntity[]> {
    if ('id' in where) return em.find(UserSessionEntity, { where: { id: where.id } });
    if ('sri' in where) return em.find(UserSessionEntity, { where: { sri: where.sri } });
    return em.find(UserSessionEntity, { where: { userId: where.userId, revokedAt: where.at, revokedReason: where.reason }, order: { createdAt: 'ASC' } });
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
      .where('id = :id AND revoked_at IS NULL AND client_ids = :seen', { id: session.id, seen: JSON.stringify(session.clientIds) })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  // Sessions end through SessionTerminator (libs/sessions), which calls the three revoke methods
  // below and, in the same transaction, queues the notifications of the sessions' clients.
  // Called from anywhere else, a session would end without anyone being told.

  /**
   * Revokes every live session of a user with one UPDATE and returns the sessions it ended
   * (id, SRI, clients only, not whole entities: a user may hold thousands). On PostgreSQL the
   * UPDATE returns them (of two concurrent revocations, each gets exactly those it changed).
   * Its `user_sessions` event carries `at`, so the indexes read only these sessions.
   */
  async revokeAllOfUser(userId: string, reason: string, by: string | null, at: number, em: EntityManager): Promise<EndedSessionRow[]> {
    const values = { at, reason, by, userId };
    const [update, params] = em.connection.driver.escapeQueryWithParameters(
      `UPDATE user_session SET revoked_at = :at, revoked_reason = :reason, revoked_by = :by WHERE user_id = :userId AND revoked_at IS NULL`, values,
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
    await appendRevocationEvents(em, [{ kind: 'user_sessions', subject: userId, value: at }]);
    // Sessions of one user mostly share their client list: parse each distinct one once.
    const parsed = new Map<string, string[]>();
    return rows.map((r) => {
      let clientIds = parsed.get(r.client_ids);
      if (!clientIds) parsed.set(r.client_ids, (clientIds = JSON.parse(r.client_ids) as string[]));
      return { id: r.id, sri: r.sri, userId, clientIds: [...clientIds] };
    });
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
      m.update(UserSessionEntity, { id, lastActivityAt: seenLastActivityAt, revokedAt: IsNull() }, { lastActivityAt: at, idleTimeout }),
    );
    return (r.affected ?? 0) > 0;
  }
}
