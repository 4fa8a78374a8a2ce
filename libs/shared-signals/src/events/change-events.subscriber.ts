import { Injectable } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, UpdateEvent } from 'typeorm';
import { ClientEntity, UserEntity } from '@app/store';
import { attributesOf, ChangeEventPlanner, UserBefore } from './change-events.planner';

/**
 * Hears the store's writes of users and clients, whoever makes them (admin API, import file,
 * CLI), and has ChangeEventPlanner queue their SETs in the same transaction. A client saved
 * whole is compared with what it was at once; a user's attributes are written after the user's
 * row, so the user is compared just before the transaction commits, with what it was when the
 * transaction first changed it.
 */
@Injectable()
export class ChangeEventsSubscriber implements EntitySubscriberInterface {
  private readonly usersBefore = new WeakMap<QueryRunner, Map<string, UserBefore>>();

  constructor(dataSource: DataSource, private readonly planner: ChangeEventPlanner) {
    dataSource.subscribers.push(this);
  }

  async beforeUpdate(event: UpdateEvent<unknown>): Promise<void> {
    if (event.metadata.target !== UserEntity) return;
    const id = (event.entity as Partial<UserEntity> | undefined)?.id;
    if (!id) return;
    let changed = this.usersBefore.get(event.queryRunner);
    if (!changed) this.usersBefore.set(event.queryRunner, (changed = new Map()));
    if (changed.has(id)) return;
    const stored = (event.databaseEntity as UserEntity | undefined) ?? (await event.manager.findOneBy(UserEntity, { id }));
    if (!stored) return;
    changed.set(id, { passwordHash: stored.passwordHash, attributes: await attributesOf(event.manager, id) });
  }

  async afterUpdate(event: UpdateEvent<unknown>): Promise<void> {
    if (event.metadata.target !== ClientEntity || !event.databaseEntity || !event.entity) return;
    await this.planner.clientChanged(event.manager, event.databaseEntity as ClientEntity, event.entity as ClientEntity);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const changed = this.usersBefore.get(event.queryRunner);
    if (!changed) return;
    this.usersBefore.delete(event.queryRunner);
    for (const [id, before] of changed) await this.planner.userChanged(event.manager, id, before);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.usersBefore.delete(event.queryRunner);
  }
}
