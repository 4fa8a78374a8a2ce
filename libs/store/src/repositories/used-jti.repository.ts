import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { UsedJtiEntity } from '../entities';
import { Transactor } from '../transactor';

/** Driver codes for a primary-key clash: PostgreSQL 23505, better-sqlite3 SQLITE_CONSTRAINT_PRIMARYKEY. */
function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

@Injectable()
export class UsedJtiRepository {
  constructor(private readonly tx: Transactor) {}

  /**
   * Records that `clientId` used `jti`, kept until `expiresAt`. Returns false when it was
   * already recorded (a replay). The primary key decides, so two concurrent uses of one jti
   * cannot both succeed. Expired entries are purged on the way (indexed, bounded by traffic).
   */
  async use(clientId: string, jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    try {
      await this.tx.run(async (em) => {
        await em.delete(UsedJtiEntity, { expiresAt: LessThan(now) });
        await em.insert(UsedJtiEntity, { clientId, jti, expiresAt });
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
