import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { IssuedTokenEntity } from '../entities';
import { Transactor } from '../transactor';

@Injectable()
export class TokenRepository {
  constructor(@InjectRepository(IssuedTokenEntity) private readonly repo: Repository<IssuedTokenEntity>, private readonly tx: Transactor) {}

  findById(id: string): Promise<IssuedTokenEntity | null> {
    return this.repo.findOneBy({ id });
  }

  insert(rows: Partial<IssuedTokenEntity>[], em?: EntityManager): Promise<unknown> {
    return this.tx.with(em, (m) => m.insert(IssuedTokenEntity, rows));
  }

  /** Marks a refresh token as exchanged, only if nobody else did first. Returns false on reuse. */
  async consume(id: string, em: EntityManager): Promise<boolean> {
    const r = await em.update(IssuedTokenEntity, { id, consumedAt: IsNull(), revokedAt: IsNull() }, { consumedAt: Date.now() });
    return (r.affected ?? 0) > 0;
  }

  async revoke(id: string, reason: string, em?: EntityManager): Promise<boolean> {
    const r = await this.tx.with(em, (m) => m.update(IssuedTokenEntity, { id, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason }));
    return (r.affected ?? 0) > 0;
  }

  async revokeFamily(familyId: string, reason: string, em?: EntityManager): Promise<number> {
    const r = await this.tx.with(em, (m) => m.update(IssuedTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason }));
    return r.affected ?? 0;
  }

  /** Revokes every live token issued to a client (when the client is deleted). */
  async revokeByClient(clientId: string, reason: string, em?: EntityManager): Promise<number> {
    const r = await this.tx.with(em, (m) => m.update(IssuedTokenEntity, { clientId, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason }));
    return r.affected ?? 0;
  }

  /** Deletes rows that expired before `before`; they can no longer be presented anyway. */
  async purgeExpired(before: number): Promise<number> {
    const r = await this.tx.run((m) => m.createQueryBuilder().delete().from(IssuedTokenEntity).where('expires_at < :before', { before }).execute());
    return r.affected ?? 0;
  }
}
