import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { StatusListEntryRepository, StatusListEntryRow } from '../store/status-list-entry.repository';

/** How often the entries of client tokens are written, in one batch. */
export const ENTRY_FLUSH_MS = 250;

/**
 * Writes the entries of client tokens (client_credentials) behind the answer, in batches, so that
 * issuing one costs no store round trip. Flushed every ENTRY_FLUSH_MS and at shutdown; a crash
 * loses at most the last batch (docs/status-list.md#the-crash-window). A batch that fails is
 * kept and written with the next one.
 */
@Injectable()
export class EntryWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('StatusList');
  private pending: StatusListEntryRow[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(private readonly entries: StatusListEntryRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), ENTRY_FLUSH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  writeLater(row: StatusListEntryRow): void {
    this.pending.push(row);
  }

  /** Writes what is pending now; resolves once it is written (or has failed and is kept). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.length === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.entries.insert(batch)
      .then(() => {
        if (this.failing) this.logger.log('Status list entries written again');
        this.failing = false;
      })
      .catch((err: Error) => {
        if (!this.failing) this.logger.warn(`Writing ${batch.length} status list entries failed, kept for the next attempt: ${err.message}`);
        this.failing = true;
        this.pending = batch.concat(this.pending);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
