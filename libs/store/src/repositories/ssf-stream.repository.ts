import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, LessThan, LessThanOrEqual, Not, Repository } from 'typeorm';
import { SsfRemovedSubjectEntity, SsfStreamEntity, SsfStreamStatus } from '../entities';
import { Transactor } from '../transactor';

/**
 * Shared Signals streams and the subjects removed from them. Every read and write of a stream
 * names its owner (the receiver's client id): a receiver never reaches another's stream.
 */
@Injectable()
export class SsfStreamRepository {
  constructor(
    @InjectRepository(SsfStreamEntity) private readonly streams: Repository<SsfStreamEntity>,
    private readonly tx: Transactor,
  ) {}

  find(clientId: string, id: string, em?: EntityManager): Promise<SsfStreamEntity | null> {
    return (em?.getRepository(SsfStreamEntity) ?? this.streams).findOneBy({ id, clientId });
  }

  /** The receiver's streams, oldest first. */
  list(clientId: string): Promise<SsfStreamEntity[]> {
    return this.streams.find({ where: { clientId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(clientId: string, em: EntityManager): Promise<number> {
    return em.countBy(SsfStreamEntity, { clientId });
  }

  async insert(stream: SsfStreamEntity, em: EntityManager): Promise<void> {
    await em.insert(SsfStreamEntity, stream);
  }

  /** Writes the changed columns of the receiver's stream; false when it is gone. */
  async update(clientId: string, id: string, values: Partial<SsfStreamEntity>, em: EntityManager): Promise<boolean> {
    const r = await em.update(SsfStreamEntity, { id, clientId }, values);
    return (r.affected ?? 0) > 0;
  }

  /** Deletes the receiver's stream and its removed subjects; false when there was none. */
  async delete(clientId: string, id: string, em: EntityManager): Promise<boolean> {
    const r = await em.delete(SsfStreamEntity, { id, clientId });
    if ((r.affected ?? 0) === 0) return false;
    await em.delete(SsfRemovedSubjectEntity, { streamId: id });
    return true;
  }

  /** Streams of these receivers that are not disabled: those a new event may go to. */
  listLive(clientIds: string[], em: EntityManager): Promise<SsfStreamEntity[]> {
    if (clientIds.length === 0) return Promise.resolve([]);
    return em.find(SsfStreamEntity, { where: { clientId: In(clientIds), status: Not('disabled' as SsfStreamStatus) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Every stream, whoever owns it, oldest first (the admin view); `clientId` keeps one receiver's. */
  listAll(limit: number, offset: number, clientId?: string): Promise<SsfStreamEntity[]> {
    return this.streams.find({ where: clientId ? { clientId } : {}, order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }

  /** Any stream by id, whoever owns it (the delivery side, which has no caller). */
  findById(id: string): Promise<SsfStreamEntity | null> {
    return this.streams.findOneBy({ id });
  }

  /**
   * Records a verification request at `now` unless the previous one is younger than
   * `intervalMs` (one conditional UPDATE, so concurrent requests cannot both pass).
   */
  async claimVerification(clientId: string, id: string, now: number, intervalMs: number): Promise<boolean> {
    const r = await this.tx.run((m) =>
      m.createQueryBuilder().update(SsfStreamEntity).set({ lastVerificationAt: now })
        .where('id = :id AND client_id = :clientId', { id, clientId })
        .andWhere('(last_verification_at IS NULL OR last_verification_at <= :before)', { before: now - intervalMs })
        .execute(),
    );
    return (r.affected ?? 0) > 0;
  }

  /** Restarts the stream's inactivity timer, writing only when the last write is older than `minGapMs`. */
  async touch(id: string, now: number, minGapMs: number): Promise<void> {
    await this.tx.run((m) => m.update(SsfStreamEntity, { id, lastActivityAt: LessThan(now - minGapMs) }, { lastActivityAt: now }));
  }

  /** Enabled streams whose receiver has been silent since `before`. */
  inactive(before: number, limit: number): Promise<SsfStreamEntity[]> {
    return this.streams.find({ where: { status: 'enabled', lastActivityAt: LessThanOrEqual(before) }, order: { lastActivityAt: 'ASC' }, take: limit });
  }

  /** Sets the status of a stream the server itself changes, if it is still `from` and still quiet since `quietSince`. */
  async setStatusIfInactive(id: string, from: SsfStreamStatus, quietSince: number, status: SsfStreamStatus, reason: string, now: number, em: EntityManager): Promise<boolean> {
    const r = await em.update(SsfStreamEntity, { id, status: from, lastActivityAt: LessThanOrEqual(quietSince) }, { status, statusReason: reason, updatedAt: now });
    return (r.affected ?? 0) > 0;
  }

  /** Removed subjects of these streams, by stream. */
  async removedSubjects(streamIds: string[], em: EntityManager): Promise<Map<string, Record<string, unknown>[]>> {
    const byStream = new Map<string, Record<string, unknown>[]>();
    if (streamIds.length === 0) return byStream;
    for (const row of await em.find(SsfRemovedSubjectEntity, { where: { streamId: In(streamIds) } })) {
      const list = byStream.get(row.streamId) ?? [];
      list.push(row.subject);
      byStream.set(row.streamId, list);
    }
    return byStream;
  }

  countRemovedSubjects(streamId: string, em: EntityManager): Promise<number> {
    return em.countBy(SsfRemovedSubjectEntity, { streamId });
  }

  /** Removes a subject from the stream (a second removal of the same subject changes nothing). */
  async removeSubject(streamId: string, subjectKey: string, subject: Record<string, unknown>, now: number, em: EntityManager): Promise<void> {
    if (await em.findOneBy(SsfRemovedSubjectEntity, { streamId, subjectKey })) return;
    await em.save(em.create(SsfRemovedSubjectEntity, { streamId, subjectKey, subject, createdAt: now }));
  }

  /** Adds a subject back: it is no longer removed. */
  async restoreSubject(streamId: string, subjectKey: string, em: EntityManager): Promise<void> {
    await em.delete(SsfRemovedSubjectEntity, { streamId, subjectKey });
  }
}
