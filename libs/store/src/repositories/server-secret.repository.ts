import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ServerSecretEntity } from '../entities';
import { Transactor } from '../transactor';

@Injectable()
export class ServerSecretRepository {
  constructor(@InjectRepository(ServerSecretEntity) private readonly repo: Repository<ServerSecretEntity>, private readonly tx: Transactor) {}

  /** The secret named `name`; `generate()` is stored first when there is none (the first of two starting instances wins). */
  async getOrCreate(name: string, generate: () => string): Promise<string> {
    const found = await this.repo.findOneBy({ name });
    if (found) return found.value;
    await this.tx.run((m) => m.createQueryBuilder().insert().into(ServerSecretEntity).values({ name, value: generate(), createdAt: Date.now() }).orIgnore().execute());
    return (await this.repo.findOneByOrFail({ name })).value;
  }

  /** The 256-bit key named `name`, shared by every instance: 32 random bytes stored on first use. */
  async key(name: string): Promise<Buffer> {
    return Buffer.from(await this.getOrCreate(name, () => randomBytes(32).toString('base64url')), 'base64url');
  }
}
