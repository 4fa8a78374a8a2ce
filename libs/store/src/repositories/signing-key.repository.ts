import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SigningKeyEntity } from '../entities';
import { Transactor } from '../transactor';

@Injectable()
export class SigningKeyRepository {
  constructor(@InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>, private readonly tx: Transactor) {}

  listActive(): Promise<SigningKeyEntity[]> {
    return this.repo.find({ where: { active: true }, order: { createdAt: 'DESC' } });
  }

  /** Inserts unless a key with this kid exists (two instances starting together on one store). */
  async insertIfAbsent(key: SigningKeyEntity): Promise<void> {
    await this.tx.run((m) => m.createQueryBuilder().insert().into(SigningKeyEntity).values(key as never).orIgnore().execute());
  }
}
