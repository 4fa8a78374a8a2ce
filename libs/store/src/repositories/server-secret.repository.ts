import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ServerSecretEntity } from '../entities';
import { KeySealer } from '../sealing/key-sealer';
import { Transactor } from '../transactor';

@Injectable()
export class ServerSecretRepository {
  constructor(
    @InjectRepository(ServerSecretEntity) private readonly repo: Repository<ServerSecretEntity>, private readonly tx: Transactor, private readonly sealer: KeySealer,
  ) {}

  /**
   * The secret named `name`; `generate()` is stored first when there is none (the first of two
   * starting instances wins). Stored sealed (KeySealer); one stored in plain text, or under an
   * older key-encryption key, is sealed again under the current one as it is read.
   */
  async getOrCreate(name: string, generate: () => string): Promise<string> {
    const context = `server_secret ${name}`;
    let found = await this.repo.findOneBy({ name });
    if (!found) {
      await this.tx.run((m) => m.createQueryBuilder().insert().into(ServerSecretEntity).values({ name, value: this.sealer.seal(generate(), context), createdAt: Date.now() }).orIgnore().execute());
      found = await this.repo.findOneByOrFail({ name });
    }
    const stored = found.value;
    const secret = this.sealer.open(stored, context);
    if (this.sealer.needsResealing(stored)) {
      // Conditional: of two instances resealing at once, one writes; either sealed value opens.
      await this.tx.run((m) => m.update(ServerSecretEntity, { name, value: stored }, { value: this.sealer.seal(secret, context) }));
    }
    return secret;
  }

  /** The 256-bit key named `name`, shared by every instance: 32 random bytes stored on first use. */
  async key(name: string): Promise<Buffer> {
    return Buffer.from(await this.getOrCreate(name, () => randomBytes(32).toString('base64url')), 'base64url');
  }
}
