import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { RevokedSriEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';
import { RevokedSriLifetime } from './revoked-sri-lifetime';

/** The session revocation list. Every entry expires RevokedSriLifetime after it was listed. */
@Injectable()
export class RevokedSriRepository {
  constructor(
    @InjectRepository(RevokedSriEntity) private readonly repo: Repository<RevokedSriEntity>,
    private readonly tx: Transactor,
    private readonly lifetime: RevokedSriLifetime,
  ) {}

  /** The entry for `sri`, if listed and not expired. */
  findListed(sri: string, now = Date.now()): Promise<RevokedSriEntity | null> {
    return this.repo.findOneBy({ sri, expiresAt: MoreThan(now) });
  }

  /**
   * Lists the SRI of every session of a user that ended at the instant `at`: one INSERT …
   * SELECT, however many sessions. Run it in the transaction that has just ended them
   * (SessionTerminator.end({ userId }) at `at`); that ending's `user_sessions` event, which
   * carries `at`, is what makes every instance's index read these entries. An SRI already
   * listed is renewed as add() renews it (the later expiry wins and it counts as new).
   */
  async listSessionsEndedAt(userId: string, at: number, revokedBy: string | null, em: EntityManager): Promise<void> {
    const expiresAt = this.lifetime.expiresAt(at);
    // Parameters in a SELECT list have no type on PostgreSQL: the casts give them one.
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(
      `INSERT INTO revoked_sri (sri, created_at, expires_at, revoked_by)
       SELECT s.sri, CAST(:at AS BIGINT), CAST(:expiresAt AS BIGINT), CAST(:revokedBy AS VARCHAR(255))
       FROM user_session s WHERE s.user_id = :userId AND s.revoked_at = :at
       ON CONFLICT (sri) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, revoked_by = excluded.revoked_by
       WHERE revoked_sri.expires_at < excluded.expires_at`,
      { userId, revokedBy, at, expiresAt },
    );
    await em.query(sql, params);
  }

  /**
   * Lists the SRIs of these sessions (SessionWatermarkWorker's batch, just marked ended in this
   * transaction), with the lifetime counted from `at`, the revocation's instant. The worker's
   * `sessions_marked` event makes every instance's index read them.
   */
  async listSessions(sessionIds: string[], at: number, revokedBy: string | null, em: EntityManager): Promise<void> {
    if (sessionIds.length === 0) return;
    const expiresAt = this.lifetime.expiresAt(at);
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(
      `INSERT INTO revoked_sri (sri, created_at, expires_at, revoked_by)
       SELECT s.sri, CAST(:at AS BIGINT), CAST(:expiresAt AS BIGINT), CAST(:revokedBy AS VARCHAR(255))
       FROM user_session s WHERE s.id IN (:...ids)
       ON CONFLICT (sri) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, revoked_by = excluded.revoked_by
       WHERE revoked_sri.expires_at < excluded.expires_at`,
      { ids: sessionIds, revokedBy, at, expiresAt },
    );
    await em.query(sql, params);
  }

  /**
   * Lists one SRI at `createdAt`. Listing it again while listed renews the entry (a later expiry
   * wins, and it counts as new for the oldest-first purge). One upsert, so two concurrent calls never collide.
   */
  async add(listing: Omit<RevokedSriEntity, 'expiresAt'>, em?: EntityManager): Promise<void> {
    const entry: RevokedSriEntity = { ...listing, expiresAt: this.lifetime.expiresAt(listing.createdAt) };
    await this.tx.with(em, async (m) => {
      const [sql, params] = m.connection.driver.escapeQueryWithParameters(
        `INSERT INTO revoked_sri (sri, created_at, expires_at, revoked_by) VALUES (:sri, :createdAt, :expiresAt, :revokedBy)
         ON CONFLICT (sri) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, revoked_by = excluded.revoked_by
         WHERE revoked_sri.expires_at < excluded.expires_at`,
        { ...entry },
      );
      await m.query(sql, params);
      await appendRevocationEvents(m, [{ kind: 'sri', subject: entry.sri, value: entry.expiresAt }]);
    });
  }

  /** Deletes every entry whose lifetime ended at or before `now`. Returns how many. */
  async purgeExpired(now: number): Promise<number> {
    const r = await this.tx.run((m) => m.delete(RevokedSriEntity, { expiresAt: LessThanOrEqual(now) }));
    return r.affected ?? 0;
  }

  /** How many entries each lister holds (`revoked_by`: the client, or the admin, that listed them). */
  async countByLister(): Promise<Map<string | null, number>> {
    const rows: { revoked_by: string | null; n: string | number }[] = await this.repo.createQueryBuilder('r')
      .select('r.revokedBy', 'revoked_by').addSelect('COUNT(*)', 'n').groupBy('r.revokedBy').getRawMany();
    return new Map(rows.map((r) => [r.revoked_by, Number(r.n)]));
  }

  /** The `limit` oldest entries of one lister (first listed first; ties by SRI so every store agrees). */
  oldestOf(revokedBy: string | null, limit: number): Promise<RevokedSriEntity[]> {
    return this.repo.find({ where: { revokedBy: revokedBy ?? IsNull() }, order: { createdAt: 'ASC', sri: 'ASC' }, take: limit });
  }

  /**
   * Whether GET revokedSris/{sri} answers revoked, read from the store (RevocationIndex.isSriRevoked
   * answers the same from memory): the SRI is listed, or it is the SRI of a session that ended
   * within the list's lifetime, marked ended or under its user's watermark, whether its entry was
   * purged early or it never had one.
   */
  async isRevoked(sri: string, now = Date.now()): Promise<boolean> {
    if (await this.findListed(sri, now)) return true;
    const since = now - this.lifetime.ms;
    const [sql, params] = this.repo.manager.connection.driver.escapeQueryWithParameters(
      `SELECT s.id FROM user_session s WHERE s.sri = :sri AND (s.revoked_at > :since OR (s.revoked_at IS NULL AND EXISTS (
         SELECT 1 FROM user_token_watermark w WHERE w.user_id = s.user_id AND w.valid_after >= s.created_at AND w.valid_after > :since)))`,
      { sri, since },
    );
    return (await this.repo.query(sql, params)).length > 0;
  }

  /**
   * Deletes these entries, only those listed at or before `listedUpTo`: an entry renewed since
   * it was read (listed again) is kept.
   */
  async deleteListedUpTo(sris: string[], listedUpTo: number, em?: EntityManager): Promise<number> {
    if (sris.length === 0) return 0;
    const r = await this.tx.with(em, async (m) => {
      const res = await m.delete(RevokedSriEntity, { sri: In(sris), createdAt: LessThanOrEqual(listedUpTo) });
      await appendRevocationEvents(m, sris.map((sri) => ({ kind: 'sri_changed' as const, subject: sri })));
      return res;
    });
    return r.affected ?? 0;
  }
}
