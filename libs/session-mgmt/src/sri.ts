import { SessionMgmtErrors } from './session-mgmt.errors';

/** The revoked_sri and user_session columns hold 255 characters. */
export const SRI_MAX_LENGTH = 255;

// A UTF-16 half without its other half: not storable as text on PostgreSQL.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An SRI as a client sends it: any printable text up to 255 characters (PingFederate's are
 * opaque, e.g. `qzTEiEroxdzAufjYKQawm72lcBE..4RbA`; ours are base64url). An SRI this server
 * never issued is still a valid list entry, as on PingFederate.
 */
export function parseSri(value: unknown): string {
  if (typeof value !== 'string') throw SessionMgmtErrors.invalidSri('it must be a string');
  if (value.length === 0) throw SessionMgmtErrors.invalidSri('it is empty');
  if (value.length > SRI_MAX_LENGTH) throw SessionMgmtErrors.invalidSri(`it is longer than ${SRI_MAX_LENGTH} characters`);
  if (/\p{Cc}/u.test(value)) throw SessionMgmtErrors.invalidSri('it contains control characters');
  if (LONE_SURROGATE.test(value)) throw SessionMgmtErrors.invalidSri('it is not well-formed Unicode');
  // RFC 3986 §5.2.4 removes these path segments: GET …/revokedSris/{id} could never ask for them.
  if (value === '.' || value === '..') throw SessionMgmtErrors.invalidSri('it is a dot-segment, which no URL path can carry');
  return value;
}

/** PingFederate's `updateActivityTime` query parameter: absent means true. */
export function parseUpdateActivityTime(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw SessionMgmtErrors.invalidQuery('updateActivityTime');
}
