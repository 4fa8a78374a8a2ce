import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThanOrEqual, MoreThan, MoreThanOrEqual, Not, Repository } from 'typeorm';
import { NotificationKind, NotificationOutboxEntity } from '../entities';
import { Transactor } from '../transactor';

const SSF_KINDS: NotificationKind[] = ['ssf_push', 'ssf_poll'];

/**
 * The outbox rows of Shared Signals streams, by stream: what a poll claims and acknowledges
 * (RFC 8936), and what a change of the stream's status or delivery does to its waiting SETs.
 * Claims take a lease in one conditional UPDATE, as the push worker's do, so two polls (on two
 * instances) never return the same SET at once.
 */
@Injectable()
export class SsfOutboxRepository {
  constructor(@InjectRepository(NotificationOutboxEntity) private readonly repo: Repository<NotificationOutboxEntity>, private readonly tx: Transactor) {}

  /**
   * Claims up to `limit` of the stream's due poll rows, oldest first, until `leaseUntil`:
   * unacknowledged by then, they are due again. Rows queued before `notBefore` are left (expired).
   */
  async claimForPoll(streamId: string, now: number, notBefore: number, leaseUntil: number, limit: number): Promise<NotificationOutboxEntity[]> {
    if (limit <= 0) return [];
    const due = await this.repo.find({
      select: { id: true },
      where: { streamId, kind: 'ssf_poll', status: 'pending', nextAttemptAt: LessThanOrEqual(now), createdAt: MoreThanOrEqual(notBefore) },
      order: { createdAt: 'ASC', id: 'ASC' }, take: limit,
    });
    if (due.length === 0) return [];
    const leaseId = randomUUID();
    const ids = due.map((r) => r.id);
    await this.tx.run((m) =>
      m.update(
        NotificationOutboxEntity,
        { id: In(ids), status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
        { leaseId, nextAttemptAt: leaseUntil, attempts: () => 'attempts + 1' },
      ),
    );
    return this.repo.find({ where: { id: In(ids), leaseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Gives claimed poll rows back, held until their retention ends (their stream was paused meanwhile); the claim is not counted. */
  async holdClaimed(ids: string[], retentionMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.run((m) =>
      m.createQueryBuilder().update(NotificationOutboxEntity)
        .set({ leaseId: null, nextAttemptAt: () => `created_at + ${Math.floor(retentionMs)}`, attempts: () => 'attempts - 1' })
        .where({ id: In(ids), status: 'pending' })
        .execute(),
    );
  }

  /** Whether the stream has a due poll row queued since `notBefore` (RFC 8936 `moreAvailable`). */
  async pollable(streamId: string, now: number, notBefore: number): Promise<boolean> {
    return (await this.repo.count({ where: { streamId, kind: 'ssf_poll', status: 'pending', nextAttemptAt: LessThanOrEqual(now), createdAt: MoreThanOrEqual(notBefore) }, take: 1 })) > 0;
  }

  /** RFC 8936 `ack`: these SETs of the stream are delivered, whoever holds their lease; never returned again. */
  async acknowledge(streamId: string, ids: string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.run((m) => m.update(NotificationOutboxEntity, { id: In(ids), streamId, kind: 'ssf_poll', status: 'pending' }, { status: 'delivered', deliveredAt: at, leaseId: null, lastError: null }));
  }

  /** RFC 8936 `setErrs`: the receiver could not process this SET; it is not returned again, and why is kept. */
  async rejected(streamId: string, id: string, error: string): Promise<void> {
    await this.tx.run((m) => m.update(NotificationOutboxEntity, { id, streamId, kind: 'ssf_poll', status: 'pending' }, { status: 'failed', leaseId: null, lastError: error.slice(0, 1024) }));
  }

  /** Every waiting SET of the stream becomes due now (the stream was enabled again): those held and those in backoff. */
  async releaseHeld(streamId: string, now: number, em: EntityManager): Promise<void> {
    // Polled and not acknowledged ones keep the poll's lease, and come back when it runs out.
    await em.update(NotificationOutboxEntity, { streamId, status: 'pending', leaseId: IsNull(), nextAttemptAt: MoreThan(now) }, { nextAttemptAt: now });
  }

  /**
   * Holds every waiting SET of the stream (it was paused): each is due again only when its
   * retention ends (`created_at + retentionMs`), or when the stream is enabled again. A SET in
   * the middle of a delivery keeps its lease; the delivery side holds it once it is back.
   */
  async holdAll(streamId: string, retentionMs: number, now: number, em: EntityManager): Promise<void> {
    await em.createQueryBuilder().update(NotificationOutboxEntity)
      .set({ nextAttemptAt: () => `created_at + ${Math.floor(retentionMs)}`, leaseId: null })
      .where({ streamId, status: 'pending' })
      .andWhere('(lease_id IS NULL OR next_attempt_at <= :now)', { now })
      .execute();
  }

  /** Every waiting SET of the stream is dropped (the stream was disabled or deleted). */
  async dropAll(streamId: string, reason: string, em: EntityManager): Promise<void> {
    await em.update(NotificationOutboxEntity, { streamId, status: 'pending' }, { status: 'failed', leaseId: null, lastError: `dropped: ${reason}`.slice(0, 1024) });
  }

  /** The stream's delivery changed: its waiting SETs follow it (a poll row left leased comes back as a push, and so on). */
  async retarget(streamId: string, kind: NotificationKind, targetUrl: string, em: EntityManager): Promise<void> {
    await em.update(NotificationOutboxEntity, { streamId, status: 'pending' }, { kind, targetUrl });
  }

  /**
   * Keeps at most `max - 1` waiting SETs for the stream, so one more fits: the oldest beyond
   * that are dropped (a paused stream holds a bounded number of events).
   */
  async makeRoom(streamId: string, max: number, em: EntityManager): Promise<number> {
    const waiting = await em.find(NotificationOutboxEntity, { select: { id: true }, where: { streamId, status: 'pending' }, order: { createdAt: 'DESC', id: 'DESC' }, skip: Math.max(max - 1, 0), take: 1000 });
    if (waiting.length === 0) return 0;
    await em.update(NotificationOutboxEntity, { id: In(waiting.map((r) => r.id)), status: 'pending' }, { status: 'failed', leaseId: null, lastError: `dropped: the paused stream held ${max} events` });
    return waiting.length;
  }

  /**
   * Drops SETs still waiting that were queued before `before` (SSF_EVENT_RETENTION), unless a
   * delivery holds them now (a lease still running); returns how many.
   */
  async dropExpired(before: number, now: number): Promise<number> {
    const r = await this.tx.run((m) =>
      m.createQueryBuilder().update(NotificationOutboxEntity)
        .set({ status: 'failed', leaseId: null, lastError: 'dropped: not delivered within SSF_EVENT_RETENTION' })
        .where({ kind: In(SSF_KINDS), status: 'pending' })
        .andWhere('created_at < :before AND (lease_id IS NULL OR next_attempt_at <= :now)', { before, now })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /** Per stream: how many SETs wait, how many failed, and the newest failure's error (the admin view). */
  async deliveryState(streamIds: string[]): Promise<Map<string, { pending: number; failed: number; lastError: string | null }>> {
    const state = new Map(streamIds.map((id) => [id, { pending: 0, failed: 0, lastError: null as string | null }]));
    if (streamIds.length === 0) return state;
    const counts = await this.repo.createQueryBuilder('o').select('o.stream_id', 'stream_id').addSelect('o.status', 'status').addSelect('COUNT(*)', 'n')
      .where({ streamId: In(streamIds), status: In(['pending', 'failed']) }).groupBy('o.stream_id').addGroupBy('o.status').getRawMany<{ stream_id: string; status: string; n: string | number }>();
    for (const c of counts) {
      const s = state.get(c.stream_id)!;
      if (c.status === 'pending') s.pending = Number(c.n);
      else s.failed = Number(c.n);
    }
    for (const [id, s] of state) {
      if (s.failed === 0 && s.pending === 0) continue;
      const last = await this.repo.findOne({ select: { lastError: true }, where: { streamId: id, lastError: Not(IsNull()) }, order: { createdAt: 'DESC', id: 'DESC' } });
      s.lastError = last?.lastError ?? null;
    }
    return state;
  }

  /** The stream's failed SETs are due again with a fresh retry budget (a push stream's are sent, a poll stream's returned by the next poll); how many. */
  async replayFailed(streamId: string, now: number, em: EntityManager): Promise<number> {
    const r = await em.update(NotificationOutboxEntity, { streamId, status: 'failed' }, { status: 'pending', attempts: 0, nextAttemptAt: now, leaseId: null });
    return r.affected ?? 0;
  }
}
