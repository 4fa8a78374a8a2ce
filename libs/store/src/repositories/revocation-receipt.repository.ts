import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import { RevocationReceiptEntity } from '../entities';

/** Global token revocations waiting for their completion receipt; every call runs in the caller's transaction. */
@Injectable()
export class RevocationReceiptRepository {
  async add(receipt: RevocationReceiptEntity, em: EntityManager): Promise<void> {
    await em.insert(RevocationReceiptEntity, receipt);
  }

  /** The receipts of `userId` due once its sessions up to `validAfter` have ended, oldest first. */
  dueFor(userId: string, validAfter: number, em: EntityManager): Promise<RevocationReceiptEntity[]> {
    return em.find(RevocationReceiptEntity, { where: { userId, validAfter: LessThanOrEqual(validAfter) }, order: { createdAt: 'ASC', txn: 'ASC' } });
  }

  /**
   * Takes the receipt for sending: true for exactly one transaction, however many instances try
   * (a concurrent delete of the same row waits for the first and then deletes nothing).
   */
  async take(txn: string, em: EntityManager): Promise<boolean> {
    const r = await em.delete(RevocationReceiptEntity, { txn });
    return (r.affected ?? 0) > 0;
  }
}
