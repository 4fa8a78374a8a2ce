import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { isIP } from 'node:net';
import { isOutboundHostEntry } from '../http/outbound-hosts';

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

  @IsOptional() @IsInt() @Min(1) @Max(3600) @Transform(({ value }) => toInt(value))
  SIGNING_KEY_RELOAD_INTERVAL?: number;

  @IsOptional() @IsString()
  KEY_ENCRYPTION_KEY_FILE?: string;

  @IsOptional() @Matches(/^\s*[A-Za-z0-9+/_-]+={0,2}(\s*,\s*[A-Za-z0-9+/_-]+={0,2})*\s*$/, { message: 'KEY_ENCRYPTION_KEY must be base64 keys (32 bytes each), comma-separated' })
  KEY_ENCRYPTION_KEY?: string;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  ALLOW_PLAINTEXT_KEYS?: boolean;

  @IsOptional() @IsString()
  NODE_ENV?: string;

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

  @IsOptional() @IsInt() @Min(1) @Max(100) @Transform(({ value }) => toInt(value))
  NOTIFICATION_RECEIVER_CONCURRENCY?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_CIRCUIT_FAILURES?: number;

  @IsOptional() @IsInt() @Min(100) @Max(86400000) @Transform(({ value }) => toInt(value))
  NOTIFICATION_CIRCUIT_COOLDOWN_MS?: number;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  OUTBOUND_ALLOW_HTTP?: boolean;

  @IsOptional()
  @ValidateBy({ name: 'outboundHosts', validator: { validate: (v: unknown) => typeof v === 'string' && (list(v) ?? []).every(isOutboundHostEntry), defaultMessage: () => 'OUTBOUND_ALLOWED_HOSTS must be a comma-separated list of host names (*.example.com for subdomains), addresses, CIDR ranges, or *' } })
  OUTBOUND_ALLOWED_HOSTS?: string;

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

  @IsOptional() @IsInt() @Min(0) @Max(1000000) @Transform(({ value }) => toInt(value))
  AUDIT_REFUSAL_LINES_PER_ADDRESS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(100000000) @Transform(({ value }) => toInt(value))
  AUDIT_REFUSAL_LINES_TOTAL?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  AUDIT_REFUSAL_WINDOW?: number;

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

  @IsOptional() @IsIn(['lockout', 'delay'])
  AUTH_FAILURE_MODE?: 'lockout' | 'delay';

  @IsOptional()
  @ValidateBy({ name: 'addressList', validator: { validate: isAddressList, defaultMessage: () => 'AUTH_FAILURE_EXEMPT_ADDRESSES must be a comma-separated list of IP addresses and CIDR ranges' } })
  AUTH_FAILURE_EXEMPT_ADDRESSES?: string;

  @IsOptional() @IsInt() @Min(1) @Max(1024) @Transform(({ value }) => toInt(value))
  HASH_CONCURRENCY?: number;

  @IsOptional() @IsInt() @Min(0) @Max(100000) @Transform(({ value }) => toInt(value))
  HASH_QUEUE?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1000000) @Transform(({ value }) => toInt(value))
  SIGN_IN_FAILURES_PER_USER?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1000000) @Transform(({ value }) => toInt(value))
  SIGN_IN_FAILURES_PER_IP?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  SIGN_IN_FAILURE_WINDOW?: number;

  @IsOptional() @IsInt() @Min(0) @Max(60000) @Transform(({ value }) => toInt(value))
  SIGN_IN_DELAY_MS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(60000) @Transform(({ value }) => toInt(value))
  SIGN_IN_MAX_DELAY_MS?: number;

  @IsOptional()
  @ValidateBy({ name: 'trustProxy', validator: { validate: (v: unknown) => parseTrustProxy(v) !== undefined, defaultMessage: () => 'TRUST_PROXY must be off, true, a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal' } })
  TRUST_PROXY?: string;

  @IsOptional() @IsBoolean() @Transform(({ value }) => toBool(value))
  METRICS_ENABLED?: boolean;

  @IsOptional() @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'METRICS_TOKEN must be 16-256 visible ASCII characters' })
  METRICS_TOKEN?: string;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  STATUS_LIST_TTL?: number;

  @IsOptional() @IsIn(powersOfTwo(4, 24), { message: 'STATUS_LIST_CAPACITY must be a power of two from 16 to 16777216' }) @Transform(({ value }) => toInt(value))
  STATUS_LIST_CAPACITY?: number;

  @IsOptional() @IsIn(powersOfTwo(2, 16), { message: 'STATUS_LIST_BLOCK_SIZE must be a power of two from 4 to 65536' }) @Transform(({ value }) => toInt(value))
  STATUS_LIST_BLOCK_SIZE?: number;
}

/** 2^from … 2^to. */
function powersOfTwo(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => 2 ** (from + i));
}

export function toInt(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

export function toBool(value: unknown): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

export function list(value: string | undefined): string[] | undefined {
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
  const valid = entries.every((e) => PROXY_RANGE_NAMES.has(e) || isAddressOrRange(e));
  return valid ? entries : undefined;
}

/** An IP address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(entry: string): boolean {
  const [addr, prefix, ...rest] = entry.split('/');
  const family = isIP(addr);
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A comma-separated list of addresses and CIDR ranges (AUTH_FAILURE_EXEMPT_ADDRESSES). */
function isAddressList(value: unknown): boolean {
  return typeof value === 'string' && value.split(',').map((s) => s.trim()).filter(Boolean).every(isAddressOrRange);
}

export type TrustProxySetting = boolean | number | string[];
