import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThanOrEqual, Not, Repository } from 'typeorm';
import { NotificationOutboxEntity, NotificationStatus, PULLED_NOTIFICATION_KINDS } from '../entities';
import { Transactor } from '../transactor';

/** Rows per INSERT: a user with many sessions and receivers fans out into many rows. */
const INSERT_CHUNK = 200;

/**
 * The session-ended notification outbox. Rows are added in the caller's transaction (the one
 * that ends the session); a worker claims, sends and settles them, each step one conditional
 * UPDATE, so instances sharing the store never send one attempt twice.
 */
@Injectable()
export class NotificationOutboxRepository {
  constructor(@InjectRepository(NotificationOutboxEntity) private readonly repo: Repository<NotificationOutboxEntity>, private readonly tx: Transactor) {}

  /** Adds rows in the caller's transaction: they commit or roll back with the revocation. */
  async add(rows: NotificationOutboxEntity[], em: EntityManager): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await em.insert(NotificationOutboxEntity, rows.slice(i, i + INSERT_CHUNK));
  }

  findById(id: string): Promise<NotificationOutboxEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * Pending rows whose next attempt is due at `now`, the longest waiting first; rows for
   * `skipTargets` are left out (their receiver is busy), and so are those the receiver polls.
   */
  due(now: number, limit: number, skipTargets: string[] = []): Promise<NotificationOutboxEntity[]> {
    const where = {
      status: 'pending' as const, nextAttemptAt: LessThanOrEqual(now), kind: Not(In(PULLED_NOTIFICATION_KINDS)),
      ...(skipTargets.length > 0 ? { targetUrl: Not(In(skipTargets)) } : {}),
    };
    return this.repo.find({ where, order: { nextAttemptAt: 'ASC', id: 'ASC' }, take: limit });
  }

  /**
   * Claims a due row for one attempt: counts the attempt and moves its next attempt to the end
   * of the lease, so nobody else takes it meanwhile (and anyone may once the lease ran out, if
   * this worker died). Returns whether this caller got it.
   */
  async claim(id: string, leaseId: string, now: number, leaseUntil: number): Promise<boolean> {
    const r = await this.tx.run((m) =>
      m.update(
        NotificationOutboxEntity,
        { id, status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
        { leaseId, nextAttemptAt: leaseUntil, attempts: () => 'attempts + 1' },
      ),
    );
    return (r.affected ?? 0) > 0;
  }

  /** Records a successful delivery, if the lease is still this worker's. */
  delivered(id: string, leaseId: string, at: number): Promise<boolean> {
    return this.settle(id, leaseId, { status: 'delivered', deliveredAt: at, leaseId: null, lastError: null });
  }

  /** Records a failed attempt to be retried at `nextAttemptAt`. */
  retryLater(id: string, leaseId: string, nextAttemptAt: number, error: string): Promise<boolean> {
    return this.settle(id, leaseId, { status: 'pending', nextAttemptAt, leaseId: null, lastError: error.slice(0, 1024) });
  }

  /** Records the last failed attempt: no more retries. */
  failed(id: string, leaseId: string, error: string): Promise<boolean> {
    return this.settle(id, leaseId, { status: 'failed', leaseId: null, lastError: error.slice(0, 1024) });
  }

  /** Gives a claimed row back without counting the attempt: at `now` (the worker is stopping), or later (its stream holds it). */
  async release(id: string, leaseId: string, now: number, note?: string): Promise<boolean> {
    const r = await this.tx.run((m) =>
      m.update(
        NotificationOutboxEntity, { id, status: 'pending', leaseId },
        { leaseId: null, nextAttemptAt: now, attempts: () => 'attempts - 1', ...(note ? { lastError: note.slice(0, 1024) } : {}) },
      ),
    );
    return (r.affected ?? 0) > 0;
  }

  /** Puts a failed (or pending) row back in the queue for an attempt now, with a fresh retry budget. */
  async requeue(id: string, now: number): Promise<boolean> {
    const r = await this.tx.run((m) =>
      m.update(NotificationOutboxEntity, { id, status: In(['failed', 'pending']) }, { status: 'pending', nextAttemptAt: now, attempts: 0, leaseId: null }),
    );
    return (r.affected ?? 0) > 0;
  }

  /** Rows in these states, newest first. */
  list(statuses: NotificationStatus[], limit: number, offset = 0): Promise<NotificationOutboxEntity[]> {
    return this.repo.find({ where: { status: In(statuses) }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
  }

  /** How many rows are in each state. */
  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const rows = await this.repo.createQueryBuilder('n').select('n.status', 'status').addSelect('COUNT(*)', 'n').groupBy('n.status').getRawMany<{ status: NotificationStatus; n: string | number }>();
    const counts: Record<NotificationStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  private async settle(id: string, leaseId: string, values: Partial<NotificationOutboxEntity>): Promise<boolean> {
    const r = await this.tx.run((m) => m.update(NotificationOutboxEntity, { id, status: 'pending', leaseId }, values));
    return (r.affected ?? 0) > 0;
  }
}
