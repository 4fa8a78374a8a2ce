import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ClientEntity } from '../entities';

@Injectable()
export class ClientRepository {
  constructor(@InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>) {}

  findById(clientId: string): Promise<ClientEntity | null> {
    return this.repo.findOneBy({ clientId });
  }

  list(): Promise<ClientEntity[]> {
    return this.repo.find({ order: { clientId: 'ASC' } });
  }

  save(client: ClientEntity): Promise<ClientEntity> {
    return this.repo.save(client);
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.repo.delete({ clientId });
    return (result.affected ?? 0) > 0;
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  create(values: Partial<ClientEntity>): ClientEntity {
    return this.repo.create(values);
  }
}
