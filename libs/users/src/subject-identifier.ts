import { invalidRequest } from '@app/common';

/**
 * Who a request names, as the Global Token Revocation endpoint reads it: RFC 9493 subject
 * identifiers (the IETF draft), or Janssen's `{"format": "<user attribute name>", "id": "<value>"}`.
 */
export type SubjectIdentifier =
  | { kind: 'email'; email: string }
  | { kind: 'phone_number'; phone_number: string }
  | { kind: 'opaque'; id: string }
  | { kind: 'iss_sub'; iss: string; sub: string }
  | { kind: 'account'; uri: string }
  /** Janssen: the user whose attribute `attribute` equals `value`. */
  | { kind: 'attribute'; attribute: string; value: string };

/** RFC 7565: `acct:userpart@host`. */
const ACCT_URI = /^acct:([^@\s/]+)@([^@\s/]+)$/i;

/** The parts of an `acct:` URI (RFC 7565), percent-decoded; undefined when malformed. */
export function parseAcctUri(uri: string): { user: string; host: string } | undefined {
  const m = ACCT_URI.exec(uri);
  if (!m) return undefined;
  try {
    return { user: decodeURIComponent(m[1]), host: decodeURIComponent(m[2]).toLowerCase() };
  } catch {
    return undefined;
  }
}

/** RFC 9493 §3.2 formats this server resolves, each with the members it requires. */
const RFC9493_MEMBERS = {
  email: ['email'],
  phone_number: ['phone_number'],
  opaque: ['id'],
  iss_sub: ['iss', 'sub'],
  account: ['uri'],
} as const;

type Rfc9493Format = keyof typeof RFC9493_MEMBERS;

const MAX_VALUE_LENGTH = 1024;

/** The request members that may carry the subject; exactly one of them. */
const SUBJECT_KEYS = ['sub_id', 'subject'] as const;
/** A user attribute name as the store keeps it (user_attribute.name is 128 characters). */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMember(obj: Record<string, unknown>, name: string): string | undefined {
  const value = obj[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`sub_id.${name} must be a string.`);
  if (value.length === 0) throw invalidRequest(`sub_id.${name} must not be empty.`);
  if (value.length > MAX_VALUE_LENGTH) throw invalidRequest(`sub_id.${name} is too long.`);
  return value;
}

/**
 * Reads the request body `{"sub_id": {...}}` (or `{"subject": {...}}`) and returns the subject it names, or throws a 400
 * `invalid_request` saying what is wrong. Members other than `sub_id` are ignored (the draft
 * neither defines nor forbids them).
 *
 * The two forms meet on `format`: an RFC 9493 format name with its members is read as RFC 9493;
 * any format with an `id` member and none of the RFC members is Janssen's form, where `format`
 * names a user attribute (so Janssen's `{"format":"phone_number","id":"…"}` keeps working).
 */
export function parseSubId(body: unknown): SubjectIdentifier {
  if (!isPlainObject(body)) throw invalidRequest('The request body must be a JSON object with a sub_id member.');
  // Okta's Universal Logout guide and Auth0 send the draft's earlier name, `subject` (renamed in -03).
  const given = SUBJECT_KEYS.filter((key) => body[key] !== undefined && body[key] !== null);
  if (given.length === 0) throw invalidRequest('The sub_id member is required.');
  if (given.length > 1) throw invalidRequest('Give the subject as sub_id or as subject, not both.');
  const subId = body[given[0]];
  if (!isPlainObject(subId)) throw invalidRequest(`${given[0]} must be a JSON object.`);
  const format = stringMember(subId, 'format');
  if (format === undefined) throw invalidRequest('sub_id.format is required.');

  const rfcMembers: readonly string[] = Object.prototype.hasOwnProperty.call(RFC9493_MEMBERS, format) ? RFC9493_MEMBERS[format as Rfc9493Format] : [];
  const values = Object.fromEntries(rfcMembers.map((m) => [m, stringMember(subId, m)]));
  const id = stringMember(subId, 'id');

  if (rfcMembers.length > 0 && rfcMembers.every((m) => values[m] !== undefined)) {
    switch (format as Rfc9493Format) {
      case 'email':
        return { kind: 'email', email: values.email! };
      case 'phone_number':
        return { kind: 'phone_number', phone_number: values.phone_number! };
      case 'opaque':
        return { kind: 'opaque', id: values.id! };
      case 'iss_sub':
        return { kind: 'iss_sub', iss: values.iss!, sub: values.sub! };
      case 'account':
        if (!parseAcctUri(values.uri!)) throw invalidRequest('sub_id.uri must be an acct: URI (acct:user@host).');
        return { kind: 'account', uri: values.uri! };
    }
  }
  if (rfcMembers.some((m) => values[m] !== undefined)) {
    throw invalidRequest(`The ${format} format requires the members ${rfcMembers.join(', ')}.`);
  }
  if (id !== undefined) {
    if (!ATTRIBUTE_NAME.test(format)) throw invalidRequest(`sub_id.format "${format.slice(0, 64)}" is not a known format or user attribute name.`);
    return { kind: 'attribute', attribute: format, value: id };
  }
  if (rfcMembers.length > 0) throw invalidRequest(`The ${format} format requires the members ${rfcMembers.join(', ')}.`);
  throw invalidRequest(`sub_id.format "${format.slice(0, 64)}" is not supported; use email, phone_number, opaque, iss_sub, account, or a user attribute name with an id.`);
}
