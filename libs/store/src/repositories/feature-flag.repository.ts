import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { FeatureFlagEntity } from '../entities';
import { Transactor } from '../transactor';

@Injectable()
export class FeatureFlagRepository {
  constructor(@InjectRepository(FeatureFlagEntity) private readonly repo: Repository<FeatureFlagEntity>, private readonly tx: Transactor) {}

  list(): Promise<FeatureFlagEntity[]> {
    return this.repo.find({ order: { name: 'ASC' } });
  }

  find(name: string): Promise<FeatureFlagEntity | null> {
    return this.repo.findOneBy({ name });
  }

  async set(name: string, enabled: boolean, em?: EntityManager): Promise<FeatureFlagEntity> {
    return this.tx.with(em, (m) => m.save(FeatureFlagEntity, { name, enabled, updatedAt: Date.now() }));
  }
}
