import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/common';
import type { AuditRecord } from './audit-record';
import { FileAuditSink, rotatedName } from './file-audit.sink';

const record = (status = 200): AuditRecord => ({ time: new Date(), name: 'rp1', authMethod: 'bearer', ip: '127.0.0.1', httpMethod: 'POST', path: '/revoke', status, extra: {} });

function config(file: string, over: Partial<AppConfig> = {}): AppConfig {
  return { auditLogFile: file, auditLogMaxFiles: 5, auditLogCompress: false, auditExtraFields: [], auditPaths: [], ...over } as AppConfig;
}

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A disk that is full until `full` is set to false. */
class FullDisk extends Writable {
  static full = true;
  override _write(chunk: Buffer, _enc: string, cb: (err?: Error | null) => void): void {
    if (!FullDisk.full) return cb();
    cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  }
}

class SinkOnFullDisk extends FileAuditSink {
  opened = 0;
  protected override openStream(): Writable {
    this.opened++;
    return new FullDisk();
  }
}

describe('FileAuditSink', () => {
  let dir: string;
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-sink-'));
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the missing directory and appends one line per record', async () => {
    const file = join(dir, 'a', 'b', 'runtime-api.log');
    const sink = new FileAuditSink(config(file));
    sink.onModuleInit();
    sink.write(record(200));
    sink.write(record(401));
    await sink.onApplicationShutdown();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|rp1\|bearer\|127\.0\.0\.1\|POST\|\/revoke\|401$/);
    expect(errors).not.toHaveBeenCalled();
  });

  it('rotates by size into files named after the UTC period', async () => {
    const file = join(dir, 'runtime-api.log');
    const sink = new FileAuditSink(config(file, { auditLogRotateSize: '300B', auditLogRotateInterval: '1d' }));
    sink.onModuleInit();
    // One write per turn of the event loop: lines of one turn share a write, and so a file.
    for (let i = 0; i < 20; i++) {
      sink.write(record());
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => readdirSync(dir).filter((f) => /^runtime-api\.\d{8}T\d{6}Z\.\d+\.log$/.test(f)), (f) => f.length >= 2);
    await sink.onApplicationShutdown();
    const all = readdirSync(dir).filter((f) => f.endsWith('.log')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    expect(all).toHaveLength(20);
  });

  it('names rotated files runtime-api.<UTC start>.<n>.log(.gz)', () => {
    const at = new Date(Date.UTC(2025, 10, 23, 0, 0, 0));
    expect(rotatedName('runtime-api.log', true)(at, 2)).toBe('runtime-api.20251123T000000Z.2.log.gz');
    expect(rotatedName('audit', false)(at, 1)).toBe('audit.20251123T000000Z.1');
    expect(rotatedName('runtime-api.log', false)(null)).toBe('runtime-api.log');
  });

  it('on a full disk: never throws, reports once, retries, then reports the lines lost', async () => {
    FullDisk.full = true;
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const sink = new SinkOnFullDisk(config(join(dir, 'runtime-api.log')));
    sink.onModuleInit();
    sink.write(record());
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) expect(() => sink.write(record())).not.toThrow();
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0][0]).toMatch(/ENOSPC/);
    expect(sink.opened).toBe(1);

    now += 5_000; // the retry: still full, no second report
    sink.write(record());
    await new Promise((r) => setImmediate(r));
    expect(sink.opened).toBe(2);
    expect(errors).toHaveBeenCalledTimes(1);

    FullDisk.full = false;
    now += 5_000;
    sink.write(record());
    await new Promise((r) => setImmediate(r));
    expect(sink.opened).toBe(3);
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings.mock.calls[0][0]).toMatch(/written again; at least 5 line\(s\) were lost/);
    await sink.onApplicationShutdown();
  });
});
