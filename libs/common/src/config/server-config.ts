import { availableParallelism } from 'node:os';
import { validateConfig } from './validate-config';
import { EnvironmentVariables, list, parseTrustProxy } from './environment-variables';
import { ssfConfig } from './ssf-config';
import { issSubConfig } from './iss-sub-config';
import { exposureConfig } from './exposure-config';
import { statusListConfig } from './status-list-config';

import type { AuditExtraField, ConfigOverrides, ConfigSlice, HashingConfig, ServerConfig, SessionConfig } from './config-slices';

export const DEFAULT_SQLITE_FILE = './data/revocation.sqlite';

/** The runtime APIs' paths, audited even when a request matches no route (a wrong method, a typo below /admin). */
export function defaultAuditPaths(globalTokenRevocationPrefix: string): string[] {
  return ['/revoke', '/admin', '/pf-ws/rest/sessionMgmt', `${globalTokenRevocationPrefix}/global-token-revocation`];
}

/** Reads and validates the environment once; a bad value throws with the variable's name. */
export function loadServerConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const v = validateConfig(env, EnvironmentVariables);
  const port = v.PORT ?? 8080;
  const globalRevocationPrefix = (v.GLOBAL_TOKEN_REVOCATION_PREFIX ?? '/jans-auth/restv1').replace(/\/+$/, '');
  return {
    http: {
      port,
      host: v.HOST ?? '127.0.0.1',
      issuer: (v.ISSUER ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      bodyLimit: v.BODY_LIMIT ?? 64 * 1024,
      trustProxy: v.TRUST_PROXY === undefined ? false : parseTrustProxy(v.TRUST_PROXY)!,
      requestTimeout: v.REQUEST_TIMEOUT ?? 30,
      corsOrigins: list(v.CORS_ORIGINS) ?? [],
    },
    logging: { level: v.LOG_LEVEL ?? 'log', json: v.LOG_JSON ?? true },
    store: {
      databaseUrl: v.DATABASE_URL ?? `sqlite:${DEFAULT_SQLITE_FILE}`,
      databaseSchema: v.DATABASE_SCHEMA || undefined,
      importFile: v.IMPORT_FILE || undefined,
      keyEncryptionKeyFile: v.KEY_ENCRYPTION_KEY_FILE || undefined,
      keyEncryptionKey: v.KEY_ENCRYPTION_KEY || undefined,
      allowPlaintextKeys: v.ALLOW_PLAINTEXT_KEYS ?? v.NODE_ENV !== 'production',
    },
    tokens: {
      accessTokenTtl: v.ACCESS_TOKEN_TTL ?? 3600,
      refreshTokenTtl: v.REFRESH_TOKEN_TTL ?? 30 * 86400,
      idTokenTtl: v.ID_TOKEN_TTL ?? 3600,
      authorizationCodeTtl: v.AUTHORIZATION_CODE_TTL ?? 60,
      signingKeyFile: v.SIGNING_KEY_FILE || undefined,
      signingKeyReloadInterval: v.SIGNING_KEY_RELOAD_INTERVAL ?? 30,
    },
    sessions: {
      idleTimeout: v.SESSION_IDLE_TIMEOUT ?? 30 * 60,
      idleTimeoutOverrides: parseIdleTimeoutOverrides(v.SESSION_IDLE_TIMEOUT_OVERRIDES),
      maxLifetime: v.SESSION_MAX_LIFETIME ?? 8 * 3600,
      userKeyAttribute: v.SESSION_USER_KEY_ATTRIBUTE ?? 'uid',
      endSessionRevokeUserSession: v.END_SESSION_REVOKE_USER_SESSION ?? true,
      watermarkWorker: v.SESSION_WATERMARK_WORKER ?? true,
    },
    revocationList: {
      lifetime: v.SESSION_REVOCATION_LIFETIME ?? 490,
      max: v.SESSION_REVOCATION_LIST_MAX ?? 1_000_000,
      purgeInterval: v.SESSION_REVOCATION_PURGE_INTERVAL ?? 60,
    },
    globalRevocation: {
      pathPrefix: globalRevocationPrefix,
      unknownUserStatus: v.GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS ?? 204,
      assertionMaxLifetime: v.GLOBAL_TOKEN_REVOCATION_JWT_MAX_LIFETIME ?? 300,
    },
    notifications: {
      worker: v.NOTIFICATION_WORKER ?? true,
      pollIntervalMs: v.NOTIFICATION_POLL_INTERVAL_MS ?? 1000,
      maxAttempts: v.NOTIFICATION_MAX_ATTEMPTS ?? 10,
      retryBaseMs: v.NOTIFICATION_RETRY_BASE_MS ?? 5000,
      retryMaxMs: v.NOTIFICATION_RETRY_MAX_MS ?? 3_600_000,
      timeoutMs: v.NOTIFICATION_TIMEOUT_MS ?? 5000,
      receiverConcurrency: v.NOTIFICATION_RECEIVER_CONCURRENCY ?? 2,
      circuitFailures: v.NOTIFICATION_CIRCUIT_FAILURES ?? 5,
      circuitCooldownMs: v.NOTIFICATION_CIRCUIT_COOLDOWN_MS ?? 30_000,
    },
    outbound: {
      allowHttp: v.OUTBOUND_ALLOW_HTTP ?? v.NODE_ENV === 'development',
      allowedHosts: list(v.OUTBOUND_ALLOWED_HOSTS) ?? (v.NODE_ENV === 'development' ? ['*'] : []),
    },
    audit: {
      file: v.AUDIT_LOG_FILE ?? './logs/runtime-api.log',
      rotateSize: v.AUDIT_LOG_ROTATE_SIZE === 'off' ? undefined : v.AUDIT_LOG_ROTATE_SIZE ?? '100M',
      rotateInterval: v.AUDIT_LOG_ROTATE_INTERVAL === 'off' ? undefined : v.AUDIT_LOG_ROTATE_INTERVAL ?? '1d',
      maxFiles: v.AUDIT_LOG_MAX_FILES ?? 30,
      compress: v.AUDIT_LOG_COMPRESS ?? true,
      extraFields: [...new Set(list(v.AUDIT_EXTRA_FIELDS) ?? [])] as AuditExtraField[],
      paths: list(v.AUDIT_PATHS) ?? defaultAuditPaths(globalRevocationPrefix),
      refusalLinesPerAddress: v.AUDIT_REFUSAL_LINES_PER_ADDRESS ?? 20,
      refusalLinesTotal: v.AUDIT_REFUSAL_LINES_TOTAL ?? 1000,
      refusalWindow: v.AUDIT_REFUSAL_WINDOW ?? 60,
    },
    authFailures: {
      perClient: v.AUTH_FAILURES_PER_CLIENT ?? 20,
      perIp: v.AUTH_FAILURES_PER_IP ?? 100,
      window: v.AUTH_FAILURE_WINDOW ?? 300,
      mode: v.AUTH_FAILURE_MODE ?? 'lockout',
      exemptAddresses: list(v.AUTH_FAILURE_EXEMPT_ADDRESSES) ?? [],
    },
    hashing: hashingConfig(v.HASH_CONCURRENCY, v.HASH_QUEUE, env.UV_THREADPOOL_SIZE),
    signIn: {
      perUser: v.SIGN_IN_FAILURES_PER_USER ?? 10,
      perIp: v.SIGN_IN_FAILURES_PER_IP ?? 100,
      window: v.SIGN_IN_FAILURE_WINDOW ?? 900,
      delayMs: v.SIGN_IN_DELAY_MS ?? 500,
      maxDelayMs: v.SIGN_IN_MAX_DELAY_MS ?? 4000,
    },
    redis: { url: v.REDIS_URL || undefined, keyPrefix: v.REDIS_KEY_PREFIX ?? 'revocation:' },
    metrics: { enabled: v.METRICS_ENABLED ?? true, token: v.METRICS_TOKEN || undefined },
    statusList: statusListConfig(v.STATUS_LIST_TTL, v.STATUS_LIST_CAPACITY, v.STATUS_LIST_BLOCK_SIZE),
    ...exposureConfig(env),
    ssf: ssfConfig(env),
    issSub: issSubConfig(env),
  };
}

/**
 * HASH_CONCURRENCY defaults to libuv's thread pool (UV_THREADPOOL_SIZE, 4 unless set) less two
 * threads, kept for file writes and DNS, and to the CPUs less one, kept for the event loop (the
 * status checks); at least 1. HASH_QUEUE defaults to four waiting per running hash.
 */
export function hashingConfig(concurrency?: number, queue?: number, threadPoolSize?: string, cpus = availableParallelism()): HashingConfig {
  const pool = Number(threadPoolSize) >= 1 ? Math.min(1024, Math.floor(Number(threadPoolSize))) : 4;
  const running = concurrency ?? Math.max(1, Math.min(pool - 2, cpus - 1));
  return { concurrency: running, queue: queue ?? 4 * running };
}

/** `config` with `overrides` applied slice by slice (a slice's other settings stay). */
export function withOverrides(config: ServerConfig, overrides: ConfigOverrides = {}): ServerConfig {
  const merged = { ...config } as Record<ConfigSlice, object>;
  for (const slice of Object.keys(overrides) as ConfigSlice[]) {
    if (!(slice in config)) throw new Error(`Unknown configuration slice ${slice}; known: ${Object.keys(config).join(', ')}`);
    merged[slice] = { ...config[slice], ...overrides[slice] };
  }
  return merged as ServerConfig;
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
export function idleTimeoutFor(sessions: Pick<SessionConfig, 'idleTimeout' | 'idleTimeoutOverrides'>, authnSource: string): number {
  const overrides = sessions.idleTimeoutOverrides ?? {};
  return Object.prototype.hasOwnProperty.call(overrides, authnSource) ? overrides[authnSource] : sessions.idleTimeout;
}
