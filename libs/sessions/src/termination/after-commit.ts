import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/**
 * Runs work after the transaction of an EntityManager commits, and drops it when the
 * transaction rolls back: events published this way never announce something that did not
 * happen. It listens to TypeORM's transaction events, keyed by the transaction's query runner
 * (on SQLite one runner serves every transaction, one at a time, which Transactor ensures).
 */
@Injectable()
export class AfterCommit implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('AfterCommit');
  private readonly pending = new WeakMap<QueryRunner, (() => void)[]>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  /** Runs `hook` once the transaction `em` belongs to has committed. */
  run(em: EntityManager, hook: () => void): void {
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('AfterCommit.run needs the EntityManager of an open transaction (Transactor.run)');
    let hooks = this.pending.get(runner);
    if (!hooks) this.pending.set(runner, (hooks = []));
    hooks.push(hook);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is no commit: the outer transaction may still roll back.
    if (event.queryRunner.isTransactionActive) return;
    const hooks = this.pending.get(event.queryRunner);
    if (!hooks) return;
    this.pending.delete(event.queryRunner);
    for (const hook of hooks) {
      try {
        hook();
      } catch (err) {
        this.logger.error(`An after-commit hook failed: ${(err as Error).message}`);
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }
}
