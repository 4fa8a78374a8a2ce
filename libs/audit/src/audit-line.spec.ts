import { createHash } from 'node:crypto';
import { CUT_MARKER, escapeField, formatAuditLine, splitAuditLine, unescapeField } from './audit-line';
import type { AuditRecord } from './audit-record';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  time: new Date(Date.UTC(2025, 10, 23, 9, 5, 7, 42)),
  name: 'rp1', authMethod: 'client_secret_basic', ip: '10.0.0.7', httpMethod: 'POST', path: '/revoke', status: 200,
  extra: {}, ...over,
});

describe('audit line', () => {
  it('is time|name|method|ip|http-method|path|status, time in ISO 8601 UTC with milliseconds', () => {
    expect(formatAuditLine(record())).toBe('2025-11-23T09:05:07.042Z|rp1|client_secret_basic|10.0.0.7|POST|/revoke|200');
  });

  it('prints - for an unauthenticated caller, and \\- for a value that is literally -', () => {
    expect(formatAuditLine(record({ name: undefined, authMethod: undefined, status: 401 }))).toBe('2025-11-23T09:05:07.042Z|-|-|10.0.0.7|POST|/revoke|401');
    expect(escapeField('-')).toBe('\\-');
    expect(escapeField('')).toBe('-');
    expect(unescapeField('\\-')).toBe('-');
    expect(unescapeField('-')).toBeUndefined();
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['a\tb', 'a\\tb'],
    ['\x00\x1b[31m\x7f', '\\x00\\x1b[31m\\x7f'],
    ['next\x85line', 'next\\x85line'],
    ['a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['evil\u202egnp.exe', 'evil\\u202egnp.exe'],
    ['\\|', '\\\\\\|'],
    ['café ✓', 'café ✓'],
  ])('escapes %j as %j and reads it back', (raw, escaped) => {
    expect(escapeField(raw)).toBe(escaped);
    expect(escapeField(raw)).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(unescapeField(escapeField(raw))).toBe(raw);
  });

  it('keeps seven fields and one line whatever the values hold', () => {
    const hostile = 'x|2025-01-01T00:00:00.000Z|admin|bearer|1.2.3.4|POST|/admin|200\n2025-01-01T00:00:00.000Z|forged\\';
    const line = formatAuditLine(record({ name: hostile, authMethod: hostile, ip: hostile, httpMethod: hostile, path: hostile }));
    expect(line.split('\n')).toHaveLength(1);
    const fields = splitAuditLine(line);
    expect(fields).toHaveLength(7);
    // name and path are long enough to hold it whole; the shorter fields hold its cut beginning.
    expect([fields[1], fields[5]].map(unescapeField)).toEqual([hostile, hostile]);
    for (const cut of fields.slice(2, 5)) expect(hostile.startsWith(unescapeField(cut.slice(0, cut.indexOf(CUT_MARKER)))!)).toBe(true);
    expect(fields[6]).toBe('200');
  });

  it('appends the extra fields in the configured order, after the seven', () => {
    const r = record({ extra: { request_id: 'req-1', user_agent: 'curl/8 | x', note: 'matches=3' } });
    const fields = splitAuditLine(formatAuditLine(r, ['note', 'user_agent', 'tls_version', 'request_id']));
    expect(fields).toHaveLength(11);
    expect(fields.slice(7)).toEqual(['matches=3', 'curl/8 \\| x', '-', 'req-1']);
  });

  describe('field caps', () => {
    const digest = (raw: string) => createHash('sha256').update(raw).digest('hex').slice(0, 16);
    const every = ['request_id', 'user_agent', 'tls_version', 'note'] as const;

    it('cuts a long path to 512 characters, ending with …#sha256: and the digest of the whole value', () => {
      const path = `/admin/${'a'.repeat(5000)}`;
      const field = splitAuditLine(formatAuditLine(record({ path })))[5];
      expect(field).toHaveLength(512);
      expect(field).toBe(`${path.slice(0, 512 - CUT_MARKER.length - 16)}${CUT_MARKER}${digest(path)}`);
      // Two values that share their beginning stay apart.
      const other = splitAuditLine(formatAuditLine(record({ path: `${path}b` })))[5];
      expect(other).not.toBe(field);
      expect(other.slice(0, 480)).toBe(field.slice(0, 480));
    });

    it('keeps short values whole, and a line under 1,000 characters (1,650 with every extra field) whatever the values', () => {
      expect(formatAuditLine(record({ path: `/${'p'.repeat(511)}` })).split('|')[5]).toHaveLength(512);
      const huge = '\u2028|\\x'.repeat(5000);
      const r = record({ name: huge, authMethod: huge, ip: huge, httpMethod: huge, path: huge, extra: { request_id: huge, user_agent: huge, tls_version: huge, note: huge } });
      const line = formatAuditLine(r);
      expect(line.length).toBeLessThan(1000);
      const all = formatAuditLine(r, every);
      expect(all.length).toBeLessThan(1650);
      expect(splitAuditLine(all)).toHaveLength(11);
      const caps = [24, 256, 64, 64, 32, 512, 3, 128, 256, 32, 256];
      splitAuditLine(all).forEach((f, i) => {
        expect(f.length).toBeLessThanOrEqual(caps[i]);
        expect(f.length).toBeGreaterThan(caps[i] - 6);
      });
    });

    it.each([
      ['six-character escapes', '\u2028'],
      ['four-character escapes', '\x01'],
      ['two-character escapes', '|'],
      ['surrogate pairs', '😀'],
    ])('never cuts inside %s: what is kept unescapes to the beginning of the value', (_, unit) => {
      for (const lead of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
        const path = `/${lead}${unit.repeat(400)}`;
        const field = splitAuditLine(formatAuditLine(record({ path })))[5];
        expect(field.length).toBeLessThanOrEqual(512);
        const kept = field.slice(0, field.indexOf(CUT_MARKER));
        expect(path.startsWith(unescapeField(kept)!)).toBe(true);
        expect(kept).not.toMatch(/[\uD800-\uDBFF]$/);
        expect(kept.length).toBeGreaterThan(512 - CUT_MARKER.length - 16 - 6);
      }
    });
  });

  it('splits on unescaped pipes only', () => {
    expect(splitAuditLine('a\\|b|c\\\\|d')).toEqual(['a\\|b', 'c\\\\', 'd']);
  });
});
