import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ClientEntity } from '../entities';
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

  save(client: ClientEntity): Promise<ClientEntity> {
    return this.tx.run((m) => m.save(ClientEntity, client));
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.tx.run((m) => m.delete(ClientEntity, { clientId }));
    return (result.affected ?? 0) > 0;
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  create(values: Partial<ClientEntity>): ClientEntity {
    return this.repo.create(values);
  }
}
