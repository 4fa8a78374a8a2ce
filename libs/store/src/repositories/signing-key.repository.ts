import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { SigningKeyEntity } from '../entities';
import { isSealed, KeySealer } from '../sealing/key-sealer';
import { Transactor } from '../transactor';

/** A signing key as its readers see it: the private JWK opened. */
export type SigningKeyRecord = Omit<SigningKeyEntity, 'privateJwk'> & { privateJwk: Record<string, unknown> };

/** The signing keys; each private JWK is stored sealed (KeySealer), and one stored otherwise is sealed again as it is read. */
@Injectable()
export class SigningKeyRepository {
  constructor(@InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>, private readonly tx: Transactor, private readonly sealer: KeySealer) {}

  /** Every stored key, active and retired, newest first. */
  async list(): Promise<SigningKeyRecord[]> {
    const keys: SigningKeyRecord[] = [];
    for (const row of await this.repo.find({ order: { createdAt: 'DESC', kid: 'ASC' } })) keys.push(await this.opened(row));
    return keys;
  }

  /** Inserts unless a key with this kid exists (two instances starting together on one store). */
  async insertIfAbsent(key: SigningKeyRecord): Promise<void> {
    await this.tx.run((m) => m.createQueryBuilder().insert().into(SigningKeyEntity).values(this.sealed(key) as never).orIgnore().execute());
  }

  /** In one transaction: the active keys of the new keys' algorithms retire at `at`, and the new keys become the active ones. */
  async rotate(fresh: SigningKeyRecord[], at: number): Promise<void> {
    await this.tx.run(async (m) => {
      await m.update(SigningKeyEntity, { active: true, alg: In(fresh.map((k) => k.alg)) }, { active: false, retiredAt: at });
      await m.insert(SigningKeyEntity, fresh.map((k) => this.sealed(k)) as never);
    });
  }

  /** Deletes the keys retired before `cutoff`: no unexpired token carries their signature any more. */
  async deleteRetiredBefore(cutoff: number): Promise<number> {
    const result = await this.tx.run((m) => m.delete(SigningKeyEntity, { retiredAt: LessThan(cutoff) }));
    return result.affected ?? 0;
  }

  private sealed(key: SigningKeyRecord): SigningKeyEntity {
    const stored = this.sealer.seal(JSON.stringify(key.privateJwk), contextOf(key.kid));
    // Without a key-encryption key, the JWK object, as stored before sealing existed.
    return { ...key, privateJwk: isSealed(stored) ? stored : key.privateJwk };
  }

  private async opened(row: SigningKeyEntity): Promise<SigningKeyRecord> {
    // A JWK object where it was stored before private keys were sealed.
    const stored = typeof row.privateJwk === 'string' ? row.privateJwk : JSON.stringify(row.privateJwk);
    const plain = this.sealer.open(stored, contextOf(row.kid));
    // Two instances resealing at once both write a value that opens to the same key.
    if (this.sealer.needsResealing(stored)) await this.tx.run((m) => m.update(SigningKeyEntity, { kid: row.kid }, { privateJwk: this.sealer.seal(plain, contextOf(row.kid)) }));
    return { ...row, privateJwk: JSON.parse(plain) as Record<string, unknown> };
  }
}

const contextOf = (kid: string) => `signing_key ${kid}`;
