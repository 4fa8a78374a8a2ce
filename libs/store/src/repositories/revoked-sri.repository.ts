import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { RevokedSriEntity } from '../entities';

@Injectable()
export class RevokedSriRepository {
  constructor(@InjectRepository(RevokedSriEntity) private readonly repo: Repository<RevokedSriEntity>) {}

  /** The entry for `sri`, if listed and not expired. */
  findListed(sri: string, now = Date.now()): Promise<RevokedSriEntity | null> {
    return this.repo.findOneBy({ sri, expiresAt: MoreThan(now) });
  }

  /**
   * Lists the SRI of every live (not yet revoked) session of a user: one INSERT … SELECT,
   * however many sessions. An SRI already listed keeps the later expiry. Run it before the
   * sessions are marked revoked, in the same transaction.
   */
  async listLiveSessionsOf(userId: string, revokedBy: string | null, at: number, expiresAt: number, em: EntityManager): Promise<void> {
    // Parameters in a SELECT list have no type on PostgreSQL: the casts give them one.
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(
      `INSERT INTO revoked_sri (sri, created_at, expires_at, revoked_by)
       SELECT s.sri, CAST(:at AS BIGINT), CAST(:expiresAt AS BIGINT), CAST(:revokedBy AS VARCHAR(255))
       FROM user_session s WHERE s.user_id = :userId AND s.revoked_at IS NULL
       ON CONFLICT (sri) DO UPDATE SET expires_at = excluded.expires_at, revoked_by = excluded.revoked_by
       WHERE revoked_sri.expires_at < excluded.expires_at`,
      { userId, revokedBy, at, expiresAt },
    );
    await em.query(sql, params);
  }
}
