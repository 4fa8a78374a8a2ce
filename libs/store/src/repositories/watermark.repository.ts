import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserTokenWatermarkEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';

/** How the sessions a watermark ends are recorded: `revoked_reason`, `revoked_by`, CAEP's initiating_entity. */
export interface WatermarkSessionEnding {
  reason: string;
  by: string | null;
  initiatingEntity: string;
}

/** A watermark whose sessions are not all marked ended yet. */
export interface PendingWatermark extends WatermarkSessionEnding {
  userId: string;
  validAfter: number;
}

/** A watermark row as the worker reads it: how its sessions end (a watermark raised without saying, e.g. on user deletion, gives its reason). */
export function toPending(w: UserTokenWatermarkEntity): PendingWatermark {
  return { userId: w.userId, validAfter: w.validAfter, reason: w.sessionReason ?? w.reason ?? 'revoked', by: w.sessionEndedBy ?? null, initiatingEntity: w.initiatingEntity ?? 'system' };
}

@Injectable()
export class WatermarkRepository {
  constructor(@InjectRepository(UserTokenWatermarkEntity) private readonly repo: Repository<UserTokenWatermarkEntity>, private readonly tx: Transactor) {}

  /** Tokens of this user issued, and sessions started, at or before the returned instant (epoch ms) are revoked; 0 when none. */
  async validAfter(userId: string): Promise<number> {
    const row = await this.repo.findOneBy({ userId });
    return row?.validAfter ?? 0;
  }

  /** The user's watermark row, if any. */
  find(userId: string, em?: EntityManager): Promise<UserTokenWatermarkEntity | null> {
    return (em?.getRepository(UserTokenWatermarkEntity) ?? this.repo).findOneBy({ userId });
  }

  /**
   * Raises the watermark (never lowers it): one row, whatever the number of tokens and
   * sessions. A single upsert, so two concurrent raises for one user cannot collide on the
   * primary key. `ending` says how the sessions it ends are recorded when the worker marks them
   * (sessions_ended_at stays below the new watermark until it has).
   */
  async raise(userId: string, at: number, reason: string | null, em?: EntityManager, ending?: WatermarkSessionEnding): Promise<void> {
    await this.tx.with(em, async (m) => {
      const [sql, params] = m.connection.driver.escapeQueryWithParameters(
        `INSERT INTO user_token_watermark (user_id, valid_after, reason, session_reason, session_ended_by, initiating_entity)
         VALUES (:userId, :at, :reason, :sessionReason, :by, :initiatingEntity)
         ON CONFLICT (user_id) DO UPDATE SET valid_after = excluded.valid_after, reason = excluded.reason,
           session_reason = excluded.session_reason, session_ended_by = excluded.session_ended_by, initiating_entity = excluded.initiating_entity
         WHERE user_token_watermark.valid_after < excluded.valid_after`,
        { userId, at, reason, sessionReason: ending?.reason ?? null, by: ending?.by ?? null, initiatingEntity: ending?.initiatingEntity ?? null },
      );
      await m.query(sql, params);
      await appendRevocationEvents(m, [{ kind: 'watermark', subject: userId, value: at }]);
    });
  }

  /** Up to `limit` watermarks whose sessions the worker has not all marked yet, oldest first. */
  async listPending(limit: number): Promise<PendingWatermark[]> {
    const rows = await this.repo.createQueryBuilder('w')
      .where('w.sessions_ended_at IS NULL OR w.sessions_ended_at < w.valid_after')
      .orderBy('w.valid_after', 'ASC').take(limit).getMany();
    return rows.map(toPending);
  }

  /**
   * Records that every session up to `validAfter` is marked ended, unless the watermark has
   * moved since (the next pass takes the new one), with a `sessions_marked` event at that instant
   * so every instance's index reads the ended sessions and their listed SRIs.
   */
  async markSessionsEnded(userId: string, validAfter: number, em: EntityManager): Promise<boolean> {
    const r = await em.createQueryBuilder().update(UserTokenWatermarkEntity).set({ sessionsEndedAt: validAfter })
      .where('user_id = :userId AND valid_after = :validAfter', { userId, validAfter }).execute();
    await appendRevocationEvents(em, [{ kind: 'sessions_marked', subject: userId, value: validAfter }]);
    return (r.affected ?? 0) > 0;
  }
}
