import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ClientEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';

@Injectable()
export class ClientRepository {
  constructor(@InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>, private readonly tx: Transactor) {}

  findById(clientId: string): Promise<ClientEntity | null> {
    return this.repo.findOneBy({ clientId });
  }

  list(): Promise<ClientEntity[]> {
    return this.repo.find({ order: { clientId: 'ASC' } });
  }

  /** The clients with these ids that exist, read in the caller's transaction when given. */
  async findByIds(clientIds: string[], em?: EntityManager): Promise<ClientEntity[]> {
    if (clientIds.length === 0) return [];
    const reader = em ?? this.repo.manager;
    const found: ClientEntity[] = [];
    // Chunked: PostgreSQL allows at most 65535 parameters per statement.
    for (let i = 0; i < clientIds.length; i += 1000) found.push(...(await reader.find(ClientEntity, { where: { clientId: In(clientIds.slice(i, i + 1000)) } })));
    return found;
  }

  /**
   * Clients registered with `scope`. Scopes are stored as a JSON array, so the LIKE narrows
   * (a `_` or `%` in a scope can only widen it) and the filter decides.
   */
  async findByScope(scope: string): Promise<ClientEntity[]> {
    const candidates = await this.repo
      .createQueryBuilder('c')
      .where('c.scopes LIKE :pattern', { pattern: `%${JSON.stringify(scope)}%` })
      .orderBy('c.client_id', 'ASC')
      .getMany();
    return candidates.filter((c) => c.scopes.includes(scope));
  }

  save(client: ClientEntity, em?: EntityManager): Promise<ClientEntity> {
    return this.tx.with(em, async (m) => {
      const saved = await m.save(ClientEntity, withDefaults(client));
      await appendRevocationEvents(m, [{ kind: 'client', subject: client.clientId }]);
      return saved;
    });
  }

  /**
   * Replaces a client's secret hash by another of the same secret (a format upgrade), only while
   * it is still `from`: a secret rotated meanwhile stays. True when it was replaced.
   */
  async replaceSecretHash(clientId: string, from: string, to: string, em?: EntityManager): Promise<boolean> {
    return this.tx.with(em, async (m) => {
      const res = await m.update(ClientEntity, { clientId, secretHash: from }, { secretHash: to });
      if (!res.affected) return false;
      await appendRevocationEvents(m, [{ kind: 'client', subject: clientId }]);
      return true;
    });
  }

  /** Inserts a new client; false when the id is taken (checked in the same transaction). */
  async insert(client: ClientEntity, em?: EntityManager): Promise<boolean> {
    return this.tx.with(em, async (m) => {
      if (await m.existsBy(ClientEntity, { clientId: client.clientId })) return false;
      await m.insert(ClientEntity, withDefaults(client));
      await appendRevocationEvents(m, [{ kind: 'client', subject: client.clientId }]);
      return true;
    });
  }

  async delete(clientId: string, em?: EntityManager): Promise<boolean> {
    const result = await this.tx.with(em, async (m) => {
      const res = await m.delete(ClientEntity, { clientId });
      await appendRevocationEvents(m, [{ kind: 'client', subject: clientId }]);
      return res;
    });
    return (result.affected ?? 0) > 0;
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  create(values: Partial<ClientEntity>): ClientEntity {
    return withDefaults(this.repo.create(values));
  }
}

/** The members whose default the entity cannot declare (see ClientEntity.resources). */
function withDefaults(client: ClientEntity): ClientEntity {
  client.resources ??= [];
  return client;
}
