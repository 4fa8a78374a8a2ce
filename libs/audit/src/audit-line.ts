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
 * `time|name|method|ip|http-method|path|status`, then the configured extra fields in their
 * order, PingFederate's runtime-api.log layout (fields separated by a vertical pipe). No newline.
 */
export function formatAuditLine(r: AuditRecord, extraFields: readonly AuditExtraField[] = []): string {
  // One line per answer on the hot paths: concatenated, without an array of fields.
  let line = `${isoTime(r.time)}|${escapeField(r.name)}|${escapeField(r.authMethod)}|${escapeField(r.ip)}|${escapeField(r.httpMethod)}|${escapeField(r.path)}|${r.status}`;
  for (const f of extraFields) line += `|${escapeField(r.extra[f])}`;
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
