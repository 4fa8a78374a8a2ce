import type { TrustProxySetting } from './environment-variables';
import type { DocsConfig, IntrospectionConfig } from './exposure-config';
import type { SsfConfig } from './ssf-config';
import type { IssSubConfig } from './iss-sub-config';
import type { StatusListConfig } from './status-list-config';

/** Optional fields appended after the seven fields of a runtime-api.log line, in the order configured. */
export type AuditExtraField = 'request_id' | 'user_agent' | 'tls_version' | 'note';

/** The listener and what every request shares. */
export interface HttpConfig {
  port: number;
  host: string;
  issuer: string;
  bodyLimit: number;
  /** Whose X-Forwarded-For is believed (Fastify's `trustProxy`); false ignores the header. */
  trustProxy: TrustProxySetting;
  /** Seconds a client has to send a whole request, and the longest a connection may stay idle (slow clients). */
  requestTimeout: number;
  /** Origins allowed to call the API from a browser (CORS); empty: no CORS headers at all. */
  corsOrigins: string[];
}

export interface LoggingConfig {
  level: string;
  json: boolean;
}

export interface StoreConfig {
  databaseUrl: string;
  /** PostgreSQL schema to use instead of `public` (created if missing). */
  databaseSchema?: string;
  /** Clients and users loaded at start (docs/provisioning.md). */
  importFile?: string;
  /** KEY_ENCRYPTION_KEY_FILE: a file of key-encryption keys (base64, 32 bytes each, one a line; the first seals), which seal the private keys the store holds. */
  keyEncryptionKeyFile?: string;
  /** KEY_ENCRYPTION_KEY: the same, given inline (comma-separated). */
  keyEncryptionKey?: string;
  /** Whether private keys may be stored in plain text when no key-encryption key is given (ALLOW_PLAINTEXT_KEYS; default: unless NODE_ENV=production). */
  allowPlaintextKeys: boolean;
}

/** What the token service issues, and the key it signs with. */
export interface TokenConfig {
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  /** Seconds an authorization code stays exchangeable (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  authorizationCodeTtl: number;
  signingKeyFile?: string;
  /** Seconds between two reads of the signing keys from the store: a rotation reaches every instance within this. */
  signingKeyReloadInterval: number;
}

export interface SessionConfig {
  idleTimeout: number;
  /**
   * Idle timeout (seconds) per authentication source, overriding `idleTimeout`: PingFederate's
   * idle timeout override for an authentication source, which takes precedence over the global one.
   */
  idleTimeoutOverrides: Record<string, number>;
  maxLifetime: number;
  /** The user attribute `/pf-ws/rest/sessionMgmt/users/{userKey}` matches (PingFederate's Unique User Key Attribute). */
  userKeyAttribute: string;
  /** End session also lists the session's SRI on the session revocation list (PingFederate's revokeUserSessionOnLogout). */
  endSessionRevokeUserSession: boolean;
  /** Whether this instance marks the sessions global revocations ended (lists their SRIs, queues their notifications); any instance on the store may. */
  watermarkWorker: boolean;
}

/** PingFederate's session revocation list. */
export interface RevocationListConfig {
  /** Minutes an SRI stays on the list (PingFederate's default: 490). */
  lifetime: number;
  /** Largest number of entries; the oldest are purged first. */
  max: number;
  /** Seconds between two purges (expired entries, then the oldest over the maximum). */
  purgeInterval: number;
}

/** Janssen's Global Token Revocation endpoint. */
export interface GlobalRevocationConfig {
  /** Path before `/global-token-revocation`; Janssen clients call `/jans-auth/restv1/global-token-revocation`. */
  pathPrefix: string;
  /** Answer for a sub_id that matches no user: 204 discloses nothing (Janssen), 404 says so (the IETF draft). */
  unknownUserStatus: 204 | 404;
  /** Seconds a global-token-revocation+jwt may still have to live (`exp - now`); longer-lived assertions are refused. */
  assertionMaxLifetime: number;
}

/** The outbox of session-ended notifications (back-channel logout, CAEP). */
export interface NotificationConfig {
  /** Whether this instance sends notifications from the outbox (any instance on the store may). */
  worker: boolean;
  /** Milliseconds between two reads of the outbox for due notifications. */
  pollIntervalMs: number;
  /** Attempts per notification, the first included; after the last it is marked failed. */
  maxAttempts: number;
  /** Delay before the first retry, doubled at each further one (with ±20% jitter), milliseconds. */
  retryBaseMs: number;
  /** Longest delay between two attempts, milliseconds. */
  retryMaxMs: number;
  /** Time a receiver has to answer one delivery, milliseconds. */
  timeoutMs: number;
  /** Deliveries in flight at once to one receiver (a URL origin). */
  receiverConcurrency: number;
  /** Consecutive failed deliveries to one receiver that open its circuit: its rows wait, unattempted, for the cool-down. 0: never. */
  circuitFailures: number;
  /** Milliseconds an open circuit waits before one trial delivery (half-open) decides whether it closes. */
  circuitCooldownMs: number;
}

/** Where the server may connect on a client's word (jwks_uri, backchannel_logout_uri, caep_receiver_uri): OutboundUrlPolicy. */
export interface OutboundConfig {
  /** Whether plain http URLs are allowed (OUTBOUND_ALLOW_HTTP; default: only with NODE_ENV=development). */
  allowHttp: boolean;
  /** Host names (`*.` for subdomains), addresses and CIDR ranges allowed although not public; `*` allows any (the default with NODE_ENV=development). */
  allowedHosts: string[];
}

/** The runtime-api.log file (docs/audit-log.md). */
export interface AuditConfig {
  file: string;
  /** Rotate when the file reaches this size (rotating-file-stream syntax, e.g. `100M`); undefined: never by size. */
  rotateSize?: string;
  /** Rotate at each UTC boundary of this interval (e.g. `1d`); undefined: never by date. */
  rotateInterval?: string;
  /** Rotated files kept; older ones are removed. */
  maxFiles: number;
  /** Gzip rotated files. */
  compress: boolean;
  extraFields: AuditExtraField[];
  /** Path prefixes audited even when a request matches no `@Audited()` route. */
  paths: string[];
  /** Lines of 4xx answers to unauthenticated callers written per address (an IPv6 /64) and status in a window; the rest are counted in a summary line. 0: no limit. */
  refusalLinesPerAddress: number;
  /** The same, all addresses together. 0: no limit. */
  refusalLinesTotal: number;
  /** The window of those two limits, seconds. */
  refusalWindow: number;
}

/** Failed client authentications tolerated before 429. */
export interface AuthFailureConfig {
  /** Allowed per client id in a window, then 429 until it ends; 0: no limit. */
  perClient: number;
  /** Allowed per client address in a window, then 429 until it ends; 0: no limit. */
  perIp: number;
  /** The counting window, and how long a limited client id or address waits, seconds. */
  window: number;
  /** Past a limit: `lockout` refuses with 429 until the window ends; `delay` checks each further attempt after a growing wait (docs/reliability.md). */
  mode: 'lockout' | 'delay';
  /** Caller addresses and CIDR ranges the per-client-id limit never applies to (the emergency path's callers); the per-address limit still does. */
  exemptAddresses: string[];
}

/** Admission of password and client-secret hashing (scrypt) to libuv's thread pool. */
export interface HashingConfig {
  /** Hashes run at once; the rest of the thread pool stays free for file writes (the audit log). */
  concurrency: number;
  /** Hashes that may wait for a turn; past it (or past the longest wait) a request is refused with 503 and Retry-After. */
  queue: number;
}

/** Failed user sign-ins (password grant, sign-in form) tolerated before 429 (docs/reliability.md#password-guessing). */
export interface SignInConfig {
  /** Failures allowed per username in a window, then 429 until it ends; 0: no limit (and no delay). */
  perUser: number;
  /** Failures allowed per client address in a window, then 429 until it ends; 0: no limit. */
  perIp: number;
  /** The counting window, and how long a limited username or address waits, seconds. */
  window: number;
  /** Wait before checking a username's third failed-or-pending attempt in a window, doubled at each further one, milliseconds; 0: no delay. */
  delayMs: number;
  /** Longest such wait, milliseconds. */
  maxDelayMs: number;
}

export interface RedisConfig {
  /** Redis shared by every instance (the failed client authentication and sign-in counters); undefined: each instance counts alone. */
  url?: string;
  /** Prefix of every Redis key this server writes. */
  keyPrefix: string;
}

export interface MetricsConfig {
  /** Serve GET /metrics (Prometheus text format). */
  enabled: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <this token>`; unset, it is open to whoever reaches it. */
  token?: string;
}

/** The server's configuration, one slice per concern; each reader injects only its slice (InjectConfig). */
export interface ServerConfig {
  http: HttpConfig;
  logging: LoggingConfig;
  store: StoreConfig;
  tokens: TokenConfig;
  sessions: SessionConfig;
  revocationList: RevocationListConfig;
  globalRevocation: GlobalRevocationConfig;
  notifications: NotificationConfig;
  outbound: OutboundConfig;
  audit: AuditConfig;
  authFailures: AuthFailureConfig;
  hashing: HashingConfig;
  signIn: SignInConfig;
  redis: RedisConfig;
  metrics: MetricsConfig;
  statusList: StatusListConfig;
  docs: DocsConfig;
  introspection: IntrospectionConfig;
  ssf: SsfConfig;
  issSub: IssSubConfig;
}

export type ConfigSlice = keyof ServerConfig;

/** Settings a test or a host gives over the environment's, slice by slice. */
export type ConfigOverrides = { [K in ConfigSlice]?: Partial<ServerConfig[K]> };
