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
 * it must return at once and never throw (queue, buffer, or drop and report instead).
 */
export interface AuditSink {
  write(record: AuditRecord): void;
}

/** Every AuditSink of the application (the runtime-api.log file, plus any a host adds through AuditModule.forRoot). */
export const AUDIT_SINKS = Symbol('AUDIT_SINKS');
