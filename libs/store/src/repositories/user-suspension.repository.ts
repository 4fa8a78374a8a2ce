import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserSuspensionEntity } from '../entities';
import { appendRevocationEvents } from '../revocation-events';
import { Transactor } from '../transactor';

/** Suspended users; each change goes through the revocation feed (`user_suspension`), so every instance's index follows. */
@Injectable()
export class UserSuspensionRepository {
  constructor(@InjectRepository(UserSuspensionEntity) private readonly repo: Repository<UserSuspensionEntity>, private readonly tx: Transactor) {}

  async isSuspended(userId: string): Promise<boolean> {
    return (await this.repo.countBy({ userId })) > 0;
  }

  /** Suspends the user; suspending a suspended user changes nothing. */
  async suspend(userId: string, by: string | null, em?: EntityManager): Promise<void> {
    await this.tx.with(em, async (m) => {
      await m.createQueryBuilder().insert().into(UserSuspensionEntity).values({ userId, suspendedAt: Date.now(), suspendedBy: by }).orIgnore().execute();
      await appendRevocationEvents(m, [{ kind: 'user_suspension', subject: userId }]);
    });
  }

  /** Lifts the hold; resuming a user who is not suspended changes nothing. */
  async resume(userId: string, em?: EntityManager): Promise<void> {
    await this.tx.with(em, async (m) => {
      await m.delete(UserSuspensionEntity, { userId });
      await appendRevocationEvents(m, [{ kind: 'user_suspension', subject: userId }]);
    });
  }
}
