import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserTokenWatermarkEntity } from '../entities';
import { Transactor } from '../transactor';

@Injectable()
export class WatermarkRepository {
  constructor(@InjectRepository(UserTokenWatermarkEntity) private readonly repo: Repository<UserTokenWatermarkEntity>, private readonly tx: Transactor) {}

  /** Tokens of this user issued at or before the returned instant (epoch ms) are revoked; 0 when none. */
  async validAfter(userId: string): Promise<number> {
    const row = await this.repo.findOneBy({ userId });
    return row?.validAfter ?? 0;
  }

  /** Raises the watermark (never lowers it): one row, whatever the number of tokens. */
  async raise(userId: string, at: number, reason: string | null, em?: EntityManager): Promise<void> {
    await this.tx.with(em, async (m) => {
      const existing = await m.findOneBy(UserTokenWatermarkEntity, { userId });
      if (!existing) await m.insert(UserTokenWatermarkEntity, { userId, validAfter: at, reason });
      else if (existing.validAfter < at) await m.update(UserTokenWatermarkEntity, { userId }, { validAfter: at, reason });
    });
  }
}
