import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { IssuedTokenEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
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

  /** Records a token that had no row (a client_credentials JWT) as revoked; idempotent. */
  async insertRevoked(row: Partial<IssuedTokenEntity> & { id: string }, reason: string): Promise<void> {
    await this.tx.run(async (m) => {
      await m.createQueryBuilder().insert().into(IssuedTokenEntity)
        .values({ ...row, revokedAt: Date.now(), revokedReason: reason } as never).orIgnore().execute();
      await appendRevocationEvents(m, [{ kind: 'token', subject: row.id }]);
    });
  }

  async revoke(id: string, reason: string, em?: EntityManager): Promise<boolean> {
    const r = await this.tx.with(em, async (m) => {
      const res = await m.update(IssuedTokenEntity, { id, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason });
      if ((res.affected ?? 0) > 0) await appendRevocationEvents(m, [{ kind: 'token', subject: id }]);
      return res;
    });
    return (r.affected ?? 0) > 0;
  }

  async revokeFamily(familyId: string, reason: string, em?: EntityManager): Promise<number> {
    const r = await this.tx.with(em, async (m) => {
      const res = await m.update(IssuedTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason });
      if ((res.affected ?? 0) > 0) await appendRevocationEvents(m, [{ kind: 'token_family', subject: familyId }]);
      return res;
    });
    return r.affected ?? 0;
  }

  /** Revokes every live token issued to a client (when the client is deleted). */
  async revokeByClient(clientId: string, reason: string, em?: EntityManager): Promise<number> {
    const r = await this.tx.with(em, async (m) => {
      const res = await m.update(IssuedTokenEntity, { clientId, revokedAt: IsNull() }, { revokedAt: Date.now(), revokedReason: reason });
      await appendRevocationEvents(m, [{ kind: 'client_tokens', subject: clientId }]);
      return res;
    });
    return r.affected ?? 0;
  }

  /** Deletes rows that expired before `before`; they can no longer be presented anyway. */
  async purgeExpired(before: number): Promise<number> {
    const r = await this.tx.run((m) => m.createQueryBuilder().delete().from(IssuedTokenEntity).where('expires_at < :before', { before }).execute());
    return r.affected ?? 0;
  }
}
