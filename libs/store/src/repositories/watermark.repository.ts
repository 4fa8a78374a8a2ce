import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserTokenWatermarkEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';

@Injectable()
export class WatermarkRepository {
  constructor(@InjectRepository(UserTokenWatermarkEntity) private readonly repo: Repository<UserTokenWatermarkEntity>, private readonly tx: Transactor) {}

  /** Tokens of this user issued at or before the returned instant (epoch ms) are revoked; 0 when none. */
  async validAfter(userId: string): Promise<number> {
    const row = await this.repo.findOneBy({ userId });
    return row?.validAfter ?? 0;
  }

  /**
   * Raises the watermark (never lowers it): one row, whatever the number of tokens. A single
   * upsert, so two concurrent raises for one user cannot collide on the primary key.
   */
  async raise(userId: string, at: number, reason: string | null, em?: EntityManager): Promise<void> {
    await this.tx.with(em, async (m) => {
      const [sql, params] = m.connection.driver.escapeQueryWithParameters(
        `INSERT INTO user_token_watermark (user_id, valid_after, reason) VALUES (:userId, :at, :reason)
         ON CONFLICT (user_id) DO UPDATE SET valid_after = excluded.valid_after, reason = excluded.reason
         WHERE user_token_watermark.valid_after < excluded.valid_after`,
        { userId, at, reason },
      );
      await m.query(sql, params);
      await appendRevocationEvents(m, [{ kind: 'watermark', subject: userId, value: at }]);
    });
  }
}
