import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { AuditConfig } from '@app/common';
import type { AuditRecord } from './audit-record';
import { BEHIND_AT_BYTES, FileAuditSink, rotatedName } from './file-audit.sink';

const record = (status = 200): AuditRecord => ({ time: new Date(), name: 'rp1', authMethod: 'bearer', ip: '127.0.0.1', httpMethod: 'POST', path: '/revoke', status, extra: {} });

function config(file: string, over: Partial<AuditConfig> = {}): AuditConfig {
  return { file, maxFiles: 5, compress: false, extraFields: [], paths: [], refusalLinesPerAddress: 0, refusalLinesTotal: 0, refusalWindow: 60, ...over };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

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

/** A disk whose writes complete only once `unstall()` is called, as when the libuv thread pool is busy. */
class StalledDisk extends Writable {
  text = '';
  private stalled = true;
  private pending?: () => void;
  override _write(chunk: Buffer, _enc: string, cb: (err?: Error | null) => void): void {
    const complete = () => { this.text += chunk.toString(); cb(); };
    if (this.stalled) this.pending = complete;
    else setImmediate(complete);
  }
  unstall(): void {
    this.stalled = false;
    this.pending?.();
  }
}

class SinkOnStalledDisk extends FileAuditSink {
  readonly disk = new StalledDisk();
  protected override openStream(): Writable {
    return this.disk;
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
    const sink = new FileAuditSink(config(file, { rotateSize: '300B', rotateInterval: '1d' }));
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

  it('creates the file 0600 and the directories it creates 0700, under the usual umask (022)', async () => {
    const previous = process.umask(0o022);
    try {
      const file = join(dir, 'a', 'b', 'runtime-api.log');
      const sink = new FileAuditSink(config(file));
      sink.onModuleInit();
      sink.write(record());
      await sink.onApplicationShutdown();
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(join(dir, 'a', 'b'))).toBe(0o700);
      expect(modeOf(join(dir, 'a'))).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it.each([[false, /^runtime-api\.\d{8}T\d{6}Z\.\d+\.log$/], [true, /^runtime-api\.\d{8}T\d{6}Z\.\d+\.log\.gz$/]])(
    'keeps rotated files 0600 (gzip: %s)', async (compress, rotated) => {
      const previous = process.umask(0o022);
      try {
        const file = join(dir, 'runtime-api.log');
        const sink = new FileAuditSink(config(file, { rotateSize: '300B', compress }));
        sink.onModuleInit();
        for (let i = 0; i < 12; i++) {
          sink.write(record());
          await new Promise((r) => setImmediate(r));
        }
        const files = await waitFor(() => readdirSync(dir).filter((f) => rotated.test(f)), (f) => f.length >= 1);
        await sink.onApplicationShutdown();
        for (const f of [...files, 'runtime-api.log']) expect([f, modeOf(join(dir, f))]).toEqual([f, 0o600]);
      } finally {
        process.umask(previous);
      }
    });

  it('when the disk falls behind: keeps every line of authenticated calls, drops those of unauthenticated callers with a count, and asks for back-pressure', async () => {
    const sink = new SinkOnStalledDisk(config(join(dir, 'runtime-api.log')));
    sink.onModuleInit();
    const long = (name: string | undefined, status: number, i: number): AuditRecord =>
      ({ ...record(status), name, authMethod: name && 'bearer', path: `/admin/clients/${i}/${'x'.repeat(480)}` });
    // Answers faster than the disk: more lines than BEHIND_AT_BYTES while nothing completes.
    const authenticated = Math.ceil((BEHIND_AT_BYTES * 1.5) / 600);
    expect(sink.whenCaughtUp()).toBeUndefined();
    for (let i = 0; i < authenticated; i++) {
      sink.write(long('rp1', 200, i));
      if (i % 1000 === 0) sink.write(long(undefined, 401, i));
      if (i % 5000 === 0) sink.write(long(undefined, 404, i));
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    const caughtUp = sink.whenCaughtUp();
    expect(caughtUp).toBeInstanceOf(Promise);
    expect(sink.whenCaughtUp()).toBe(caughtUp);
    let settled = false;
    void caughtUp!.then(() => { settled = true; });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);

    // The thread pool frees up: the disk takes everything, then the sink has caught up.
    sink.disk.unstall();
    await caughtUp;
    expect(sink.whenCaughtUp()).toBeUndefined();
    sink.write(long(undefined, 401, -1));
    await sink.onApplicationShutdown();

    const lines = sink.disk.text.split('\n').filter(Boolean);
    const named = lines.filter((l) => l.includes('|rp1|bearer|'));
    expect(named).toHaveLength(authenticated);
    expect(new Set(named.map((l) => l.split('/')[3])).size).toBe(authenticated);
    const refusals = lines.filter((l) => /\|POST\|\/admin\/clients\/[-\d]+\/x+\|40[14]$/.test(l) && l.includes('|-|-|'));
    const summaries = lines.filter((l) => /\|-\|-\|-\|-\|dropped=\d+\|\d{3}$/.test(l));
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    const dropped = summaries.reduce((n, l) => n + Number(/dropped=(\d+)/.exec(l)![1]), 0);
    const sentUnauthenticated = Math.ceil(authenticated / 1000) + Math.ceil(authenticated / 5000) + 1;
    expect(dropped).toBeGreaterThan(0);
    expect(refusals.length + dropped).toBe(sentUnauthenticated);
    expect(sink.shedTotal).toBe(dropped);
    expect(warnings.mock.calls.map((c) => c[0])).toEqual([
      expect.stringMatching(/bytes wait for the disk\. Audited requests wait/),
      expect.stringMatching(new RegExp(`caught up; ${dropped} line\\(s\\) of unauthenticated callers were dropped`)),
    ]);
    expect(errors).not.toHaveBeenCalled();
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
