import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { isIP } from 'node:net';
import { validateConfig } from './validate-config';

/** Every environment variable the server reads; `.env.example` documents each one. */
export class EnvironmentVariables {
  @IsOptional() @IsInt() @Min(0) @Max(65535) @Transform(({ value }) => toInt(value))
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  @IsOptional() @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'ISSUER must be an http(s) URL' })
  ISSUER?: string;

  @IsOptional() @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { message: 'DATABASE_URL must be sqlite:PATH or postgres://…' })
  DATABASE_URL?: string;

  @IsOptional() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lower-case PostgreSQL identifier' })
  DATABASE_SCHEMA?: string;

  @IsOptional() @IsString()
  IMPORT_FILE?: string;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL?: string;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  LOG_JSON?: boolean;

  @IsOptional() @IsInt() @Min(30) @Max(86400) @Transform(({ value }) => toInt(value))
  ACCESS_TOKEN_TTL?: number;

  @IsOptional() @IsInt() @Min(60) @Max(31536000) @Transform(({ value }) => toInt(value))
  REFRESH_TOKEN_TTL?: number;

  @IsOptional() @IsInt() @Min(30) @Max(86400) @Transform(({ value }) => toInt(value))
  ID_TOKEN_TTL?: number;

  @IsOptional() @IsInt() @Min(60) @Max(31536000) @Transform(({ value }) => toInt(value))
  SESSION_IDLE_TIMEOUT?: number;

  @IsOptional() @IsInt() @Min(60) @Max(31536000) @Transform(({ value }) => toInt(value))
  SESSION_MAX_LIFETIME?: number;

  @IsOptional() @IsInt() @Min(1024) @Max(10485760) @Transform(({ value }) => toInt(value))
  BODY_LIMIT?: number;

  @IsOptional() @IsString()
  SIGNING_KEY_FILE?: string;

  @IsOptional() @IsInt() @Min(1) @Max(5256000) @Transform(({ value }) => toInt(value))
  SESSION_REVOCATION_LIFETIME?: number;

  @IsOptional() @IsInt() @Min(1) @Max(100000000) @Transform(({ value }) => toInt(value))
  SESSION_REVOCATION_LIST_MAX?: number;

  @IsOptional() @Matches(/^(\/|(\/[A-Za-z0-9._~-]+)+)$/, { message: 'GLOBAL_TOKEN_REVOCATION_PREFIX must be a path such as /jans-auth/restv1, or / for none' })
  GLOBAL_TOKEN_REVOCATION_PREFIX?: string;

  @IsOptional() @IsIn([204, 404]) @Transform(({ value }) => toInt(value))
  GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS?: 204 | 404;

  @IsOptional() @IsInt() @Min(30) @Max(3600) @Transform(({ value }) => toInt(value))
  GLOBAL_TOKEN_REVOCATION_JWT_MAX_LIFETIME?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  SESSION_REVOCATION_PURGE_INTERVAL?: number;

  @IsOptional() @Matches(/^\s*[A-Za-z0-9_.:-]+\s*=\s*\d{1,8}\s*(,\s*[A-Za-z0-9_.:-]+\s*=\s*\d{1,8}\s*)*$/, {
    message: 'SESSION_IDLE_TIMEOUT_OVERRIDES must be a comma-separated list of AUTHN_SOURCE=SECONDS',
  })
  SESSION_IDLE_TIMEOUT_OVERRIDES?: string;

  @IsOptional() @Matches(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, { message: 'SESSION_USER_KEY_ATTRIBUTE must be a user attribute name' })
  SESSION_USER_KEY_ATTRIBUTE?: string;

  @IsOptional() @IsInt() @Min(10) @Max(600) @Transform(({ value }) => toInt(value))
  AUTHORIZATION_CODE_TTL?: number;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  END_SESSION_REVOKE_USER_SESSION?: boolean;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  NOTIFICATION_WORKER?: boolean;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  SESSION_WATERMARK_WORKER?: boolean;

  @IsOptional() @IsInt() @Min(50) @Max(60000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_POLL_INTERVAL_MS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(100) @Transform(({ value }) => toInt(value))
  NOTIFICATION_MAX_ATTEMPTS?: number;

  @IsOptional() @IsInt() @Min(10) @Max(3600000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_RETRY_BASE_MS?: number;

  @IsOptional() @IsInt() @Min(10) @Max(86400000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_RETRY_MAX_MS?: number;

  @IsOptional() @IsInt() @Min(100) @Max(60000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_TIMEOUT_MS?: number;

  @IsOptional() @IsString()
  AUDIT_LOG_FILE?: string;

  @IsOptional() @Matches(/^(off|[1-9]\d*[BKMG])$/, { message: 'AUDIT_LOG_ROTATE_SIZE must be off or a size such as 100M (units B, K, M, G)' })
  AUDIT_LOG_ROTATE_SIZE?: string;

  @IsOptional()
  @ValidateBy({ name: 'rotationInterval', validator: { validate: isRotationInterval, defaultMessage: () => 'AUDIT_LOG_ROTATE_INTERVAL must be off or an interval such as 1d, 12h, 30m (minutes and seconds dividing 60, hours dividing 24)' } })
  AUDIT_LOG_ROTATE_INTERVAL?: string;

  @IsOptional() @IsInt() @Min(1) @Max(100000) @Transform(({ value }) => toInt(value))
  AUDIT_LOG_MAX_FILES?: number;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  AUDIT_LOG_COMPRESS?: boolean;

  @IsOptional() @Matches(/^\s*(request_id|user_agent|tls_version|note)(\s*,\s*(request_id|user_agent|tls_version|note))*\s*$/, { message: 'AUDIT_EXTRA_FIELDS must be a comma-separated list of request_id, user_agent, tls_version, note' })
  AUDIT_EXTRA_FIELDS?: string;

  @IsOptional() @Matches(/^\s*\/[^\s,]*(\s*,\s*\/[^\s,]*)*\s*$/, { message: 'AUDIT_PATHS must be a comma-separated list of paths starting with /' })
  AUDIT_PATHS?: string;

  @IsOptional() @IsInt() @Min(1) @Max(600) @Transform(({ value }) => toInt(value))
  REQUEST_TIMEOUT?: number;

  @IsOptional() @Matches(/^\s*https?:\/\/[^\s/,]+(\s*,\s*https?:\/\/[^\s/,]+)*\s*$/, { message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com' })
  CORS_ORIGINS?: string;

  @IsOptional() @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 letters, digits or _ . : -' })
  REDIS_KEY_PREFIX?: string;

  @IsOptional() @IsInt() @Min(0) @Max(1000000) @Transform(({ value }) => toInt(value))
  AUTH_FAILURES_PER_CLIENT?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1000000) @Transform(({ value }) => toInt(value))
  AUTH_FAILURES_PER_IP?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  AUTH_FAILURE_WINDOW?: number;

  @IsOptional()
  @ValidateBy({ name: 'trustProxy', validator: { validate: (v: unknown) => parseTrustProxy(v) !== undefined, defaultMessage: () => 'TRUST_PROXY must be off, true, a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal' } })
  TRUST_PROXY?: string;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  METRICS_ENABLED?: boolean;

  @IsOptional() @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'METRICS_TOKEN must be 16-256 visible ASCII characters' })
  METRICS_TOKEN?: string;
}

function toInt(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

function toBool(value: unknown): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** rotating-file-stream's interval syntax; months are left out (experimental there). */
function isRotationInterval(value: unknown): boolean {
  if (value === 'off') return true;
  const m = typeof value === 'string' ? /^([1-9]\d*)([smhd])$/.exec(value) : null;
  if (!m) return false;
  const n = Number(m[1]);
  return m[2] === 'd' || (m[2] === 'h' ? 24 % n === 0 : 60 % n === 0);
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY, in the forms Fastify's `trustProxy` option accepts: off (X-Forwarded-For is
 * ignored), true (every hop is trusted: only behind a proxy that overwrites the header), a
 * hop count, or the addresses and CIDR ranges of the proxies. Undefined when invalid.
 */
export function parseTrustProxy(value: unknown): TrustProxySetting | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^(off|false|0)$/i.test(v)) return false;
  if (/^true$/i.test(v)) return true;
  if (/^[1-9]\d{0,2}$/.test(v)) return Number(v);
  const entries = v.split(',').map((s) => s.trim());
  const valid = entries.every((e) => {
    if (PROXY_RANGE_NAMES.has(e)) return true;
    const [addr, prefix, ...rest] = e.split('/');
    const family = isIP(addr);
    if (!family || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  });
  return valid ? entries : undefined;
}

export type TrustProxySetting = boolean | number | string[];

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
