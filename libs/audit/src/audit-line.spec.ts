import { escapeField, formatAuditLine, splitAuditLine, unescapeField } from './audit-line';
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
    expect(fields.slice(1, 6).map(unescapeField)).toEqual([hostile, hostile, hostile, hostile, hostile]);
    expect(fields[6]).toBe('200');
  });

  it('appends the extra fields in the configured order, after the seven', () => {
    const r = record({ extra: { request_id: 'req-1', user_agent: 'curl/8 | x', note: 'matches=3' } });
    const fields = splitAuditLine(formatAuditLine(r, ['note', 'user_agent', 'tls_version', 'request_id']));
    expect(fields).toHaveLength(11);
    expect(fields.slice(7)).toEqual(['matches=3', 'curl/8 \\| x', '-', 'req-1']);
  });

  it('splits on unescaped pipes only', () => {
    expect(splitAuditLine('a\\|b|c\\\\|d')).toEqual(['a\\|b', 'c\\\\', 'd']);
  });
});
