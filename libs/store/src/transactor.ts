import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inSpan } from '@app/common';

/**
 * Runs store writes in transactions. TypeORM's better-sqlite3 driver shares one connection,
 * so two interleaved async transactions would nest into each other and a rollback could
 * undo someone else's acknowledged write: on SQLite every write is queued here, one at a
 * time. On PostgreSQL each call gets its own pooled connection and runs concurrently.
 * Never call run() from inside run(): pass the EntityManager down instead.
 */
@Injectable()
export class Transactor {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  private readonly commitListeners: (() => Promise<void>)[] = [];

  /**
   * Called after every committed write, before run() resolves: the revocation index uses it to
   * read the change it just made, so this instance answers from it at once.
   */
  onCommit(listener: () => Promise<void>): void {
    this.commitListeners.push(listener);
  }

  /** A `store.transaction` span (OpenTelemetry; a no-op unless tracing is on) covers the wait, the transaction and the commit listeners. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return inSpan('store.transaction', { attributes: { 'db.system': this.serial ? 'sqlite' : 'postgresql' } }, () => this.runInTransaction(work));
  }

  private async runInTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    let result: Promise<T>;
    if (!this.serial) {
      result = this.dataSource.transaction(work);
    } else {
      result = this.tail.then(() => this.dataSource.transaction(work));
      this.tail = result.catch(() => undefined);
    }
    const value = await result;
    for (const listener of this.commitListeners) await listener();
    return value;
  }

  /** Uses the caller's transaction when given one, else opens its own. */
  with<T>(em: EntityManager | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return em ? work(em) : this.run(work);
  }
}
