import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createStream, Options } from 'rotating-file-stream';
import { AuditConfig, InjectConfig } from '@app/common';
import { formatAuditLine } from './audit-line';
import { AuditRecord, AuditSink, isAuthenticated, summaryRecord } from './audit-record';

/**
 * Beyond this many bytes waiting for the disk, the sink is behind: lines of unauthenticated
 * callers are dropped (counted), those of authenticated calls are still kept, and audited
 * requests wait (AuditRecorder) until the disk has taken everything.
 */
export const BEHIND_AT_BYTES = 8 * 1024 * 1024;
/** After a write error, the file is reopened on the first line after this delay. */
const RETRY_AFTER_MS = 5_000;
/** The audit trail names clients and addresses: for the server's user only. */
export const AUDIT_FILE_MODE = 0o600;
export const AUDIT_DIR_MODE = 0o700;

/**
 * The runtime-api.log file, rotated by size and/or date by rotating-file-stream. Writes are
 * asynchronous and never throw into the request.
 *
 * When the disk is slower than the answers (the libuv thread pool busy, a slow volume), the lines
 * of authenticated calls are never dropped: the sink keeps them and asks for back-pressure
 * (`whenCaughtUp`), and only lines of unauthenticated callers are dropped, counted in a
 * `dropped=N` line per status once it caught up. While the file cannot be written at all (a full
 * disk, a missing permission) lines are dropped, the trouble is reported once in the application
 * log, and its end with the number of lines lost.
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
  /** Set while more than BEHIND_AT_BYTES wait for the disk; cleared when the stream drains. */
  private behind = false;
  private caughtUp?: Promise<void>;
  private releaseWaiting?: () => void;
  /** Unauthenticated lines dropped while behind, by status, for the summary lines. */
  private shed = new Map<number, number>();
  /** Unauthenticated lines dropped while behind, since start-up. */
  shedTotal = 0;
  /** Lines waiting for the next flush (at most one turn of the event loop). */
  private batch = '';
  private batchLines = 0;
  private flushScheduled = false;

  constructor(@InjectConfig('audit') private readonly audit: AuditConfig) {
    this.file = resolve(audit.file);
  }

  /** Opened at start-up, so a path that cannot be written is reported before the first request. */
  onModuleInit(): void {
    this.open();
  }

  write(record: AuditRecord): void {
    if (this.closed) return;
    const stream = this.stream ?? (Date.now() - this.failedAt >= RETRY_AFTER_MS ? this.open() : undefined);
    if (!stream) return this.drop();
    if (stream.writableLength + this.batch.length > BEHIND_AT_BYTES) {
      this.fallBehind();
      if (!isAuthenticated(record)) return this.shedLine(record.status);
    }
    this.append(record);
  }

  /** While behind, a promise that settles once the disk took every line waiting. */
  whenCaughtUp(): Promise<void> | undefined {
    if (!this.behind) return undefined;
    return (this.caughtUp ??= new Promise<void>((resolve) => { this.releaseWaiting = resolve; }));
  }

  private append(record: AuditRecord): void {
    this.batch += formatAuditLine(record, this.audit.extraFields) + '\n';
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
    this.catchUp();
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
    // Created here rather than by rotating-file-stream, which would leave it open to everyone; a
    // directory that exists keeps the mode its owner gave it.
    const dir = dirname(this.file);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: AUDIT_DIR_MODE });
    // The mode of the live file and of the gzipped rotated ones; an uncompressed rotated file is the live one renamed.
    const options: Options = { path: dir, maxFiles: this.audit.maxFiles, compress: this.audit.compress ? 'gzip' : false, mode: AUDIT_FILE_MODE };
    if (this.audit.rotateSize) options.size = this.audit.rotateSize;
    if (this.audit.rotateInterval) Object.assign(options, { interval: this.audit.rotateInterval, intervalBoundary: true, intervalUTC: true });
    return createStream(rotatedName(basename(this.file), this.audit.compress), options);
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
    stream.on('drain', () => { if (this.stream === stream) this.catchUp(); });
    stream.on('warning', (err: Error) => this.logger.warn(`Audit log housekeeping failed (${this.file}): ${err.message}`));
    this.stream = stream;
    return stream;
  }

  private fail(stream: Writable | undefined, err: unknown): void {
    if (stream && this.stream !== stream) return;
    this.stream = undefined;
    this.failedAt = Date.now();
    stream?.destroy();
    // Nothing reaches the disk now: waiting would hold requests for nothing.
    this.catchUp();
    if (this.trouble) return;
    this.trouble = true;
    const e = err as NodeJS.ErrnoException;
    this.logger.error(`Cannot write the audit log ${this.file}: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}. Audit lines are dropped until writing works again.`);
  }

  private drop(): void {
    this.dropped++;
    this.trouble = true;
  }

  private fallBehind(): void {
    if (this.behind) return;
    this.behind = true;
    this.logger.warn(`Audit log ${this.file}: more than ${BEHIND_AT_BYTES} bytes wait for the disk. Audited requests wait, and lines of unauthenticated callers are dropped, until it catches up.`);
  }

  private shedLine(status: number): void {
    this.shedTotal++;
    this.shed.set(status, (this.shed.get(status) ?? 0) + 1);
  }

  /** The disk took every line waiting (or the stream failed, or the server stops): the requests held go on. */
  private catchUp(): void {
    if (!this.behind) return;
    this.behind = false;
    const shed = this.shed;
    this.shed = new Map();
    let count = 0;
    for (const [status, n] of shed) {
      count += n;
      // Without a stream they join the lines lost, reported when writing works again.
      if (this.stream) this.append(summaryRecord('dropped', n, status));
      else this.dropped += n;
    }
    this.logger.warn(`Audit log ${this.file} caught up${count ? `; ${count} line(s) of unauthenticated callers were dropped` : ''}.`);
    this.releaseWaiting?.();
    this.caughtUp = undefined;
    this.releaseWaiting = undefined;
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
