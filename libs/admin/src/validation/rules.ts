import { resourceIndicatorProblem } from '@app/common';
import { isPlainObject, Problem } from './decorators';

/** Reusable checks for `Check`, `Items` and `Entries`; each returns the problem or null. */

/** Unicode control characters (general category Cc): C0, DEL and C1. */
export const CONTROL_CHARS = /\p{Cc}/u;

/**
 * Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): shown in a
 * page, they reorder the text around them, so a name could read as another one ("Trojan Source").
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

export function text(value: unknown, max: number, min = 1): Problem {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length < min) return min === 1 ? 'must not be empty' : `must be at least ${min} characters long`;
  if (value.length > max) return `must be at most ${max} characters long`;
  return null;
}

/** A single-line name, shown as typed: no control characters, no bidirectional controls, no surrounding spaces. */
export function name(value: unknown, max: number): Problem {
  const p = text(value, max);
  if (p) return p;
  const s = value as string;
  if (CONTROL_CHARS.test(s)) return 'must not contain control characters';
  if (BIDI_CONTROLS.test(s)) return 'must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)';
  if (s.trim() !== s) return 'must not start or end with spaces';
  return null;
}

/** RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ). */
export function scopeToken(value: unknown): Problem {
  const p = text(value, 128);
  if (p) return p;
  return /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value as string) ? null : 'must be a scope token (printable ASCII, no spaces, quotes or backslashes)';
}

/** An absolute URI without a fragment (RFC 6749 §3.1.2); `httpOnly` limits it to http(s). */
export function absoluteUri(value: unknown, httpOnly: boolean): Problem {
  const p = text(value, 2048);
  if (p) return p;
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash) return 'must not contain a fragment';
  if (httpOnly && url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (/^(javascript|data|vbscript):$/i.test(url.protocol)) return `must not use the ${url.protocol} scheme`;
  return null;
}

/** An RFC 8707 resource indicator: an absolute URI without a fragment (the rule requests are checked with too). */
export function resourceIndicator(value: unknown): Problem {
  return typeof value === 'string' ? resourceIndicatorProblem(value) : 'must be a string';
}

export function oneOf(values: readonly string[]) {
  return (value: unknown): Problem => (typeof value === 'string' && values.includes(value) ? null : `must be one of ${values.join(', ')}`);
}

/** Items check: an item equal to an earlier one. */
export function noDuplicates(item: unknown, index: number, all: unknown[]): Problem {
  const first = all.indexOf(item);
  return first !== index ? `duplicates item [${first}]` : null;
}

export function optional<T>(check: (value: unknown) => Problem): (value: unknown) => Problem {
  return (value) => (value === undefined || value === null ? null : check(value as T));
}

export function arrayOf(value: unknown, max: number): Problem {
  if (!Array.isArray(value)) return 'must be an array';
  if (value.length > max) return `must have at most ${max} items`;
  return null;
}

export function objectWithAtMost(value: unknown, max: number): Problem {
  if (!isPlainObject(value)) return 'must be an object';
  if (Object.keys(value).length > max) return `must have at most ${max} members`;
  return null;
}
