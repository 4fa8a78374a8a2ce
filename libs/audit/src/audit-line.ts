import { createHash } from 'node:crypto';
import type { AuditExtraField } from '@app/common';
import type { AuditRecord } from './audit-record';

/** Printed for an absent value (nobody authenticated, no user agent…). */
export const ABSENT = '-';

// Backslash, the separator, C0 controls, DEL, C1 controls (NEL ends a line for some readers),
// the Unicode line and paragraph separators, and the bidi overrides that can make a line read
// differently from what it holds.
const UNSAFE = /[\\|\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set, for a quick test: most fields need no escaping. */
const HAS_UNSAFE = new RegExp(UNSAFE.source);
const NAMED: Record<string, string> = { '\\': '\\\\', '|': '\\|', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Escapes one field so that no value can end a field or a line: `|` → `\|`, `\` → `\\`,
 * LF → `\n`, CR → `\r`, TAB → `\t`, other controls → `\xNN` (or `\uNNNN`). An empty value
 * prints as `-`, and a value that is exactly `-` as `\-`, so the two stay apart.
 */
export function escapeField(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return ABSENT;
  const s = String(value);
  if (s === ABSENT) return '\\-';
  if (!HAS_UNSAFE.test(s)) return s;
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Reverses escapeField (for parsers and tests); `-` gives undefined. */
export function unescapeField(field: string): string | undefined {
  if (field === ABSENT) return undefined;
  return field.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
  });
}

/** Splits a line on the `|` that are not escaped; the fields stay escaped. */
export function splitAuditLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current += c + line[++i];
    } else if (c === '|') {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}

/**
 * The longest each field may be once escaped, in characters, the cut marker included: whatever a
 * caller sends, a line stays under 1,000 characters (1,650 with every extra field).
 */
export const FIELD_CAPS = { name: 256, authMethod: 64, ip: 64, httpMethod: 32, path: 512 } as const;
export const EXTRA_FIELD_CAPS: Readonly<Record<AuditExtraField, number>> = { request_id: 128, user_agent: 256, tls_version: 32, note: 256 };

/** Ends a field that was cut, followed by the first 16 hex digits of the SHA-256 of the whole value. */
export const CUT_MARKER = '…#sha256:';
const CUT_SUFFIX_LENGTH = CUT_MARKER.length + 16;

/** escapeField, then cut to `cap` characters (see capEscaped). */
export function formatField(value: string | number | undefined | null, cap: number): string {
  const escaped = escapeField(value);
  return escaped.length <= cap ? escaped : capEscaped(escaped, String(value), cap);
}

/**
 * An escaped field longer than `cap`, cut to at most `cap` characters: its beginning, then
 * CUT_MARKER and a digest of the whole raw value, so that two long values sharing a beginning
 * still differ, and a suspected value can be checked. The cut never splits an escape sequence
 * or a surrogate pair, so the field still unescapes.
 */
export function capEscaped(escaped: string, raw: string, cap: number): string {
  const keep = cap - CUT_SUFFIX_LENGTH;
  let end = 0;
  while (end < keep) {
    const c = escaped.charCodeAt(end);
    const size = c === 0x5c ? escapeLength(escaped[end + 1]) : c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    if (end + size > keep) break;
    end += size;
  }
  return `${escaped.slice(0, end)}${CUT_MARKER}${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
}

function escapeLength(next: string | undefined): number {
  return next === 'x' ? 4 : next === 'u' ? 6 : 2;
}

/**
 * `time|name|method|ip|http-method|path|status`, then the configured extra fields in their
 * order, PingFederate's runtime-api.log layout (fields separated by a vertical pipe). No newline.
 * Each field is escaped, then capped (FIELD_CAPS).
 */
export function formatAuditLine(r: AuditRecord, extraFields: readonly AuditExtraField[] = []): string {
  // One line per answer on the hot paths: concatenated, without an array of fields.
  let line = `${isoTime(r.time)}|${formatField(r.name, FIELD_CAPS.name)}|${formatField(r.authMethod, FIELD_CAPS.authMethod)}|${formatField(r.ip, FIELD_CAPS.ip)}|${formatField(r.httpMethod, FIELD_CAPS.httpMethod)}|${formatField(r.path, FIELD_CAPS.path)}|${r.status}`;
  for (const f of extraFields) line += `|${formatField(r.extra[f], EXTRA_FIELD_CAPS[f])}`;
  return line;
}

let lastTime = NaN;
let lastIso = '';
/** Answers of one millisecond share their timestamp: formatted once. */
function isoTime(time: Date): string {
  const ms = time.getTime();
  if (ms !== lastTime) {
    lastIso = time.toISOString();
    lastTime = ms;
  }
  return lastIso;
}
