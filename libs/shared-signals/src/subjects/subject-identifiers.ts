import { createHash } from 'node:crypto';

/** A Subject Identifier (RFC 9493) or an SSF complex subject (SSF 1.0 §3.3). */
export type SubjectIdentifier = { format: string } & Record<string, unknown>;

/** Longest string member of a subject accepted. */
const MAX_MEMBER_CHARS = 1024;

/** The simple formats streams accept (the CAEP interoperability profile's) and their members. */
const SIMPLE_FORMATS: Record<string, string[]> = {
  email: ['email'],
  iss_sub: ['iss', 'sub'],
  opaque: ['id'],
};

/** SSF 1.0 §3.3: members a complex subject may have. */
const COMPLEX_MEMBERS = ['user', 'device', 'session', 'application', 'tenant', 'org_unit', 'group'];

/**
 * Why `value` is not a subject this transmitter accepts (email, iss_sub, opaque, or complex of
 * those), or null. Members other than the format's own are refused, so two subjects are equal
 * exactly when their canonical forms are.
 */
export function subjectProblem(value: unknown, path = 'subject', nested = false): string | null {
  if (!isObject(value)) return `${path} must be an object`;
  const { format, ...members } = value;
  if (typeof format !== 'string') return `${path}.format must be a string`;
  if (format === 'complex') {
    if (nested) return `${path} may not be complex inside a complex subject`;
    const names = Object.keys(members);
    if (names.length === 0) return `${path} must have at least one member (${COMPLEX_MEMBERS.join(', ')})`;
    for (const name of names) {
      if (!COMPLEX_MEMBERS.includes(name)) return `${path}.${name} is not a complex subject member (${COMPLEX_MEMBERS.join(', ')})`;
      const problem = subjectProblem(members[name], `${path}.${name}`, true);
      if (problem) return problem;
    }
    return null;
  }
  const expected = SIMPLE_FORMATS[format];
  if (!expected) return `${path}.format ${JSON.stringify(format).slice(0, 40)} is not supported (email, iss_sub, opaque, complex)`;
  for (const name of Object.keys(members)) if (!expected.includes(name)) return `${path}.${name} is not a member of the ${format} format`;
  for (const name of expected) {
    const v = members[name];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_MEMBER_CHARS) return `${path}.${name} must be a string of 1 to ${MAX_MEMBER_CHARS} characters`;
  }
  if (format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(members.email as string)) return `${path}.email must be an email address`;
  return null;
}

/** JSON with sorted keys, so that equal subjects serialize alike. */
export function canonicalSubject(subject: SubjectIdentifier): string {
  const sort = (v: unknown): unknown => (isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(subject));
}

/** The key a removed subject is stored under: SHA-256 of its canonical form (hex). */
export function subjectKey(subject: SubjectIdentifier): string {
  return createHash('sha256').update(canonicalSubject(subject)).digest('hex');
}

/**
 * SSF 1.0 §8.1.3.1: whether a subject the receiver named matches an event's subject. Simple
 * subjects match when identical. Complex ones match when, for every member, either lacks it
 * or both have the same value. A simple subject matches a complex one that has it as a member
 * (a user removed by email matches the events about that user's sessions).
 */
export function subjectMatches(named: SubjectIdentifier, event: SubjectIdentifier): boolean {
  const same = (a: unknown, b: unknown) => canonicalSubject(a as SubjectIdentifier) === canonicalSubject(b as SubjectIdentifier);
  if (named.format !== 'complex' && event.format !== 'complex') return same(named, event);
  if (named.format !== 'complex') return COMPLEX_MEMBERS.some((m) => event[m] !== undefined && same(event[m], named));
  if (event.format !== 'complex') return false;
  return COMPLEX_MEMBERS.every((m) => named[m] === undefined || event[m] === undefined || same(named[m], event[m]));
}

/** Whether the stream's receiver removed (§8.1.3.2) a subject matching any of `names`, the ways an event's subject may be named. */
export function removedFrom(streamId: string, removed: Map<string, Record<string, unknown>[]>, names: SubjectIdentifier[]): boolean {
  const list = (removed.get(streamId) ?? []) as SubjectIdentifier[];
  return list.some((r) => names.some((n) => subjectMatches(r, n)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
