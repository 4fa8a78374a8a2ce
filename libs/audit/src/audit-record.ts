import type { AuditExtraField } from '@app/common';

/** One call of a runtime API, as every sink receives it. Holds no secret: no body, no query string, no header but the user agent. */
export interface AuditRecord {
  /** When the response was sent. */
  time: Date;
  /** The authenticated client id (for the admin API, the admin client); undefined when nobody authenticated. */
  name?: string;
  /** How the caller authenticated: client_secret_basic, client_secret_post, bearer, jwt-bearer, … */
  authMethod?: string;
  /** Client address, X-Forwarded-For honoured only through TRUST_PROXY. */
  ip?: string;
  httpMethod: string;
  /** The request path as sent, without the query string. */
  path: string;
  status: number;
  /** Optional fields, printed only when AUDIT_EXTRA_FIELDS lists them. */
  extra: Partial<Record<AuditExtraField, string>>;
}

/**
 * Where audit records go. `write` is called once per audited response, after it was sent:
 * it must return at once and never throw (queue, buffer, or drop and report instead). A sink
 * must not drop the record of an authenticated call for being slow: it asks for back-pressure
 * through `whenCaughtUp` instead.
 */
export interface AuditSink {
  write(record: AuditRecord): void;
  /**
   * While the sink holds more than it should (its destination is slower than the answers), a
   * promise that settles once it caught up; audited requests wait for it before they run.
   * Undefined the rest of the time: it is asked once per request.
   */
  whenCaughtUp?(): Promise<void> | undefined;
}

/**
 * Whether a client was identified: the record of a call nobody authenticated may be
 * rate-limited or, when the disk cannot keep up, dropped with a count (docs/audit-log.md).
 */
export function isAuthenticated(record: AuditRecord): boolean {
  return record.name !== undefined;
}

/**
 * The line that stands for lines not written, `count` of them with this status: no HTTP method
 * (no request has none, so no request can forge it), `what=count` in the path field and in the
 * note, e.g. `suppressed=120`; the address when they all came from one.
 */
export function summaryRecord(what: 'suppressed' | 'dropped', count: number, status: number, ip?: string): AuditRecord {
  const note = `${what}=${count}`;
  return { time: new Date(), ip, httpMethod: '', path: note, status, extra: { note } };
}

/** Every AuditSink of the application (the runtime-api.log file, plus any a host adds through AuditModule.forRoot). */
export const AUDIT_SINKS = Symbol('AUDIT_SINKS');
