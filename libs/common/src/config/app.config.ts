import { validateConfig } from './validate-config';
import { EnvironmentVariables, list, parseTrustProxy, TrustProxySetting } from './environment-variables';

/** Optional fields appended after the seven fields of a runtime-api.log line, in the order configured. */
export type AuditExtraField = 'request_id' | 'user_agent' | 'tls_version' | 'note';

/** The runtime APIs' paths, audited even when a request matches no route (a wrong method, a typo below /admin). */
export function defaultAuditPaths(globalTokenRevocationPrefix: string): string[] {
  return ['/revoke', '/admin', '/pf-ws/rest/sessionMgmt', `${globalTokenRevocationPrefix}/global-token-revocation`];
}

export interface AppConfig {
  port: number;
  host: string;
  issuer: string;
  databaseUrl: string;
  /** PostgreSQL schema to use instead of `public` (created if missing). */
  databaseSchema?: string;
  importFile?: string;
  logLevel: string;
  logJson: boolean;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  sessionIdleTimeout: number;
  sessionMaxLifetime: number;
  bodyLimit: number;
  signingKeyFile?: string;
  /** Minutes an SRI stays on the session revocation list (PingFederate's default: 490). */
  sessionRevocationLifetime: number;
  /** Largest number of entries on the session revocation list; the oldest are purged first. */
  sessionRevocationListMax: number;
  /** Path before `/global-token-revocation`; Janssen clients call `/jans-auth/restv1/global-token-revocation`. */
  globalTokenRevocationPrefix: string;
  /** Answer for a sub_id that matches no user: 204 discloses nothing (Janssen), 404 says so (the IETF draft). */
  globalTokenRevocationUnknownUserStatus: 204 | 404;
  /** Seconds a global-token-revocation+jwt may still have to live (`exp - now`); longer-lived assertions are refused. */
  globalTokenRevocationJwtMaxLifetime: number;
  /** Seconds between two purges of the session revocation list (expired entries, then the oldest over the maximum). */
  sessionRevocationPurgeInterval: number;
  /**
   * Idle timeout (seconds) per authentication source, overriding `sessionIdleTimeout`: PingFederate's
   * idle timeout override for an authentication source, which takes precedence over the global one.
   */
  sessionIdleTimeoutOverrides: Record<string, number>;
  /** The user attribute `/pf-ws/rest/sessionMgmt/users/{userKey}` matches (PingFederate's Unique User Key Attribute). */
  sessionUserKeyAttribute: string;
  /** Seconds an authorization code stays exchangeable (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  authorizationCodeTtl: number;
  /** End session also lists the session's SRI on the session revocation list (PingFederate's revokeUserSessionOnLogout). */
  endSessionRevokeUserSession: boolean;
  /** Whether this instance sends session-ended notifications from the outbox (any instance on the store may). */
  notificationWorker: boolean;
  /** Whether this instance marks the sessions global revocations ended (lists their SRIs, queues their notifications); any instance on the store may. */
  sessionWatermarkWorker: boolean;
  /** Milliseconds between two reads of the outbox for due notifications. */
  notificationPollIntervalMs: number;
  /** Attempts per notification, the first included; after the last it is marked failed. */
  notificationMaxAttempts: number;
  /** Delay before the first retry, doubled at each further one (with ±20% jitter), milliseconds. */
  notificationRetryBaseMs: number;
  /** Longest delay between two attempts, milliseconds. */
  notificationRetryMaxMs: number;
  /** Time a receiver has to answer one delivery, milliseconds. */
  notificationTimeoutMs: number;
  /** The runtime-api.log file (docs/audit-log.md). */
  auditLogFile: string;
  /** Rotate when the file reaches this size (rotating-file-stream syntax, e.g. `100M`); undefined: never by size. */
  auditLogRotateSize?: string;
  /** Rotate at each UTC boundary of this interval (e.g. `1d`); undefined: never by date. */
  auditLogRotateInterval?: string;
  /** Rotated files kept; older ones are removed. */
  auditLogMaxFiles: number;
  /** Gzip rotated files. */
  auditLogCompress: boolean;
  auditExtraFields: AuditExtraField[];
  /** Path prefixes audited even when a request matches no `@Audited()` route. */
  auditPaths: string[];
  /** Whose X-Forwarded-For is believed (Fastify's `trustProxy`); false ignores the header. */
  trustProxy: TrustProxySetting;
  /** Seconds a client has to send a whole request, and the longest a connection may stay idle (slow clients). */
  requestTimeout: number;
  /** Origins allowed to call the API from a browser (CORS); empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Redis shared by every instance (the failed client authentication counters); undefined: each instance counts alone. */
  redisUrl?: string;
  /** Prefix of every Redis key this server writes. */
  redisKeyPrefix: string;
  /** Failed client authentications allowed per client id in a window, then 429 until it ends; 0: no limit. */
  authFailuresPerClient: number;
  /** Failed client authentications allowed per client address in a window, then 429 until it ends; 0: no limit. */
  authFailuresPerIp: number;
  /** The counting window of failed client authentications, and how long a limited client id or address waits, seconds. */
  authFailureWindow: number;
  /** Serve GET /metrics (Prometheus text format). */
  metricsEnabled: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <this token>`; unset, it is open to whoever reaches it. */
  metricsToken?: string;
}

export const DEFAULT_SQLITE_FILE = './data/revocation.sqlite';

/** Reads and validates the environment once; a bad value throws with the variable's name. */
export function loadAppConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const v = validateConfig(env, EnvironmentVariables);
  const port = v.PORT ?? 8080;
  return {
    port,
    host: v.HOST ?? '127.0.0.1',
    issuer: (v.ISSUER ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: v.DATABASE_URL ?? `sqlite:${DEFAULT_SQLITE_FILE}`,
    databaseSchema: v.DATABASE_SCHEMA || undefined,
    importFile: v.IMPORT_FILE || undefined,
    logLevel: v.LOG_LEVEL ?? 'log',
    logJson: v.LOG_JSON ?? true,
    accessTokenTtl: v.ACCESS_TOKEN_TTL ?? 3600,
    refreshTokenTtl: v.REFRESH_TOKEN_TTL ?? 30 * 86400,
    idTokenTtl: v.ID_TOKEN_TTL ?? 3600,
    sessionIdleTimeout: v.SESSION_IDLE_TIMEOUT ?? 30 * 60,
    sessionMaxLifetime: v.SESSION_MAX_LIFETIME ?? 8 * 3600,
    bodyLimit: v.BODY_LIMIT ?? 64 * 1024,
    signingKeyFile: v.SIGNING_KEY_FILE || undefined,
    sessionRevocationLifetime: v.SESSION_REVOCATION_LIFETIME ?? 490,
    sessionRevocationListMax: v.SESSION_REVOCATION_LIST_MAX ?? 1_000_000,
    globalTokenRevocationPrefix: (v.GLOBAL_TOKEN_REVOCATION_PREFIX ?? '/jans-auth/restv1').replace(/\/+$/, ''),
    globalTokenRevocationUnknownUserStatus: v.GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS ?? 204,
    globalTokenRevocationJwtMaxLifetime: v.GLOBAL_TOKEN_REVOCATION_JWT_MAX_LIFETIME ?? 300,
    sessionRevocationPurgeInterval: v.SESSION_REVOCATION_PURGE_INTERVAL ?? 60,
    sessionIdleTimeoutOverrides: parseIdleTimeoutOverrides(v.SESSION_IDLE_TIMEOUT_OVERRIDES),
    sessionUserKeyAttribute: v.SESSION_USER_KEY_ATTRIBUTE ?? 'uid',
    authorizationCodeTtl: v.AUTHORIZATION_CODE_TTL ?? 60,
    endSessionRevokeUserSession: v.END_SESSION_REVOKE_USER_SESSION ?? true,
    notificationWorker: v.NOTIFICATION_WORKER ?? true,
    sessionWatermarkWorker: v.SESSION_WATERMARK_WORKER ?? true,
    notificationPollIntervalMs: v.NOTIFICATION_POLL_INTERVAL_MS ?? 1000,
    notificationMaxAttempts: v.NOTIFICATION_MAX_ATTEMPTS ?? 10,
    notificationRetryBaseMs: v.NOTIFICATION_RETRY_BASE_MS ?? 5000,
    notificationRetryMaxMs: v.NOTIFICATION_RETRY_MAX_MS ?? 3_600_000,
    notificationTimeoutMs: v.NOTIFICATION_TIMEOUT_MS ?? 5000,
    auditLogFile: v.AUDIT_LOG_FILE ?? './logs/runtime-api.log',
    auditLogRotateSize: v.AUDIT_LOG_ROTATE_SIZE === 'off' ? undefined : v.AUDIT_LOG_ROTATE_SIZE ?? '100M',
    auditLogRotateInterval: v.AUDIT_LOG_ROTATE_INTERVAL === 'off' ? undefined : v.AUDIT_LOG_ROTATE_INTERVAL ?? '1d',
    auditLogMaxFiles: v.AUDIT_LOG_MAX_FILES ?? 30,
    auditLogCompress: v.AUDIT_LOG_COMPRESS ?? true,
    auditExtraFields: [...new Set(list(v.AUDIT_EXTRA_FIELDS) ?? [])] as AuditExtraField[],
    auditPaths: list(v.AUDIT_PATHS) ?? defaultAuditPaths((v.GLOBAL_TOKEN_REVOCATION_PREFIX ?? '/jans-auth/restv1').replace(/\/+$/, '')),
    trustProxy: v.TRUST_PROXY === undefined ? false : parseTrustProxy(v.TRUST_PROXY)!,
    requestTimeout: v.REQUEST_TIMEOUT ?? 30,
    corsOrigins: list(v.CORS_ORIGINS) ?? [],
    redisUrl: v.REDIS_URL || undefined,
    redisKeyPrefix: v.REDIS_KEY_PREFIX ?? 'revocation:',
    authFailuresPerClient: v.AUTH_FAILURES_PER_CLIENT ?? 20,
    authFailuresPerIp: v.AUTH_FAILURES_PER_IP ?? 100,
    authFailureWindow: v.AUTH_FAILURE_WINDOW ?? 300,
    metricsEnabled: v.METRICS_ENABLED ?? true,
    metricsToken: v.METRICS_TOKEN || undefined,
  };
}

/** `password=600, ldap=1800` → `{ password: 600, ldap: 1800 }` (the format is validated above). */
function parseIdleTimeoutOverrides(value: string | undefined): Record<string, number> {
  // fromEntries defines own properties, so a source named __proto__ cannot reach the prototype.
  return Object.fromEntries((value ?? '').split(',').filter((p) => p.trim()).map((pair) => {
    const [source, seconds] = pair.split('=').map((x) => x.trim());
    return [source, Number(seconds)];
  }));
}

/** Idle timeout (seconds) of a session started by `authnSource`: the source's override, else the global one. */
export function idleTimeoutFor(config: Pick<AppConfig, 'sessionIdleTimeout' | 'sessionIdleTimeoutOverrides'>, authnSource: string): number {
  const overrides = config.sessionIdleTimeoutOverrides ?? {};
  return Object.prototype.hasOwnProperty.call(overrides, authnSource) ? overrides[authnSource] : config.sessionIdleTimeout;
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
