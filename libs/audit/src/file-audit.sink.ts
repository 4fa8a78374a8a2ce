import { basename, dirname, extname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createStream, Options } from 'rotating-file-stream';
import { APP_CONFIG, AppConfig } from '@app/common';
import { formatAuditLine } from './audit-line';
import type { AuditRecord, AuditSink } from './audit-record';

/** Lines waiting for the disk beyond this are dropped rather than held in memory. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
/** After a write error, the file is reopened on the first line after this delay. */
const RETRY_AFTER_MS = 5_000;

/**
 * The runtime-api.log file, rotated by size and/or date by rotating-file-stream (which also
 * creates the directory). Writes are asynchronous and never throw into the request: while the
 * file cannot be written (a full disk, a missing permission) lines are dropped, the trouble is
 * reported once in the application log, and its end with the number of lines lost.
 */
@Injectable()
export class FileAuditSink implements AuditSink, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditLog');
  private readonly file: string;
  private stream?: Writable;
  private failedAt = 0;
  /** Set while lines are being lost; cleared, with a report, by the next line that reaches the file. */
  private trouble = false;
  private dropped = 0;
  private closed = false;
  /** Lines waiting for the next flush (at most one turn of the event loop). */
  private batch = '';
  private batchLines = 0;
  private flushScheduled = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.file = resolve(config.auditLogFile);
  }

  /** Opened at start-up, so a path that cannot be written is reported before the first request. */
  onModuleInit(): void {
    this.open();
  }

  write(record: AuditRecord): void {
    if (this.closed) return;
    const stream = this.stream ?? (Date.now() - this.failedAt >= RETRY_AFTER_MS ? this.open() : undefined);
    if (!stream) return this.drop();
    if (stream.writableLength + this.batch.length > MAX_BACKLOG_BYTES) return this.drop(`more than ${MAX_BACKLOG_BYTES} bytes are waiting for the disk`);
    this.batch += formatAuditLine(record, this.config.auditExtraFields) + '\n';
    this.batchLines++;
    // Lines written in one turn of the event loop go to the file in one write: under load, one
    // write per answer cost more than the answer itself.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const chunk = this.batch;
    const lines = this.batchLines;
    this.batch = '';
    this.batchLines = 0;
    if (!chunk) return;
    const stream = this.stream;
    if (!stream) {
      for (let i = 0; i < lines; i++) this.drop();
      return;
    }
    // Only while recovering: the callback tells that lines reach the file again.
    if (this.trouble) stream.write(chunk, (err) => { if (!err) this.recovered(); });
    else stream.write(chunk);
  }

  async onApplicationShutdown(): Promise<void> {
    this.flush();
    this.closed = true;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(done, 2_000);
      timer.unref();
      stream.end(() => { clearTimeout(timer); done(); });
    });
  }

  /** The stream writing the file; a test may put another in its place. */
  protected openStream(): Writable {
    const options: Options = { path: dirname(this.file), maxFiles: this.config.auditLogMaxFiles, compress: this.config.auditLogCompress ? 'gzip' : false };
    if (this.config.auditLogRotateSize) options.size = this.config.auditLogRotateSize;
    if (this.config.auditLogRotateInterval) Object.assign(options, { interval: this.config.auditLogRotateInterval, intervalBoundary: true, intervalUTC: true });
    return createStream(rotatedName(basename(this.file), this.config.auditLogCompress), options);
  }

  private open(): Writable | undefined {
    let stream: Writable;
    try {
      stream = this.openStream();
    } catch (err) {
      this.fail(undefined, err);
      return undefined;
    }
    stream.on('error', (err: Error) => this.fail(stream, err));
    stream.on('warning', (err: Error) => this.logger.warn(`Audit log housekeeping failed (${this.file}): ${err.message}`));
    this.stream = stream;
    return stream;
  }

  private fail(stream: Writable | undefined, err: unknown): void {
    if (stream && this.stream !== stream) return;
    this.stream = undefined;
    this.failedAt = Date.now();
    stream?.destroy();
    if (this.trouble) return;
    this.trouble = true;
    const e = err as NodeJS.ErrnoException;
    this.logger.error(`Cannot write the audit log ${this.file}: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}. Audit lines are dropped until writing works again.`);
  }

  private drop(reason?: string): void {
    this.dropped++;
    if (this.trouble) return;
    this.trouble = true;
    if (reason) this.logger.error(`Audit log ${this.file}: ${reason}; audit lines are dropped until it catches up.`);
  }

  private recovered(): void {
    if (!this.trouble) return;
    this.logger.warn(`Audit log ${this.file} is written again; at least ${this.dropped} line(s) were lost.`);
    this.trouble = false;
    this.dropped = 0;
  }
}

/** runtime-api.log → runtime-api.20251123T000000Z.1.log(.gz): the UTC start of the period, then a counter. */
export function rotatedName(base: string, gzip: boolean): (time: number | Date | null, index?: number) => string {
  const ext = extname(base);
  const stem = base.slice(0, base.length - ext.length);
  return (time, index) => {
    if (!time) return base;
    const stamp = new Date(time).toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
    return `${stem}.${stamp}.${index ?? 1}${ext}${gzip ? '.gz' : ''}`;
  };
}
