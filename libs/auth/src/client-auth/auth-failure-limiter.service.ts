import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError, APP_CONFIG, AppConfig, OAuthErrorCode } from '@app/common';

interface Limit {
  /** Names the limit in the Redis key and the log. */
  name: 'client' | 'ip';
  points: number;
  limiter: RateLimiterAbstract;
}

/** How long a Redis command may take before this instance counts on its own. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * Brute-force protection of client secrets: failed client authentications are counted per
 * client id and per client address over a fixed window (AUTH_FAILURE_WINDOW); once either count
 * reaches its limit, every authentication attempt of that id or from that address is refused
 * with 429 and Retry-After until the window ends, without the secret being checked (a refused
 * guess must not tell right from wrong).
 *
 * With REDIS_URL the counters live in Redis, shared by every instance (rate-limiter-flexible,
 * atomic Lua updates). When Redis cannot be reached the insurance limiter counts in this
 * process instead: limits degrade to per-instance, answers never change meaning.
 *
 * Only failures are counted (a client that authenticates is never slowed down), which is why
 * this is not @nestjs/throttler or @fastify/rate-limit: both count requests, and a resource
 * server introspecting thousands of tokens a second must not be throttled. Client ids are
 * hashed in keys, so a secret typed into the id field never reaches Redis.
 */
@Injectable()
export class AuthFailureLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger('AuthFailureLimiter');
  private readonly limits: Limit[];
  private readonly redis?: Redis;
  private redisDown = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const window = config.authFailureWindow;
    if (config.redisUrl) this.redis = this.connect(config.redisUrl);
    const make = (name: Limit['name'], points: number): Limit[] => {
      if (points <= 0) return [];
      const local = new RateLimiterMemory({ points, duration: window, keyPrefix: `authfail:${name}` });
      const limiter = this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, points, duration: window, keyPrefix: `${config.redisKeyPrefix}authfail:${name}`, insuranceLimiter: local })
        : local;
      return [{ name, points, limiter }];
    };
    this.limits = [...make('client', config.authFailuresPerClient), ...make('ip', config.authFailuresPerIp)];
  }

  get enabled(): boolean {
    return this.limits.length > 0;
  }

  /** Throws 429 when the client id or the address has used up its failures for this window. */
  async assertAllowed(clientId: string | undefined, ip: string | undefined): Promise<void> {
    if (!this.enabled) return;
    const states = await Promise.all(this.limits.map(async (l) => {
      const key = this.keyFor(l, clientId, ip);
      return key === undefined ? null : { l, res: await this.safely(() => l.limiter.get(key)) };
    }));
    let waitMs = 0;
    for (const s of states) {
      if (s?.res && s.res.consumedPoints >= s.l.points) waitMs = Math.max(waitMs, s.res.msBeforeNext);
    }
    if (waitMs > 0) throw tooManyFailures(waitMs);
  }

  /** Counts one failed authentication against the client id and the address. */
  async recordFailure(clientId: string | undefined, ip: string | undefined): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(this.limits.map(async (l) => {
      const key = this.keyFor(l, clientId, ip);
      // consume() rejects with a RateLimiterRes once past the limit: that is the count, not an error.
      if (key !== undefined) await this.safely(() => l.limiter.consume(key).catch((r: unknown) => (r instanceof RateLimiterRes ? r : Promise.reject(r))));
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  private keyFor(l: Limit, clientId: string | undefined, ip: string | undefined): string | undefined {
    if (l.name === 'ip') return ip || undefined;
    return clientId ? createHash('sha256').update(clientId).digest('base64url').slice(0, 32) : undefined;
  }

  /** The insurance limiter answers for Redis; this only guards against a failure of both. */
  private async safely(op: () => Promise<RateLimiterRes | null>): Promise<RateLimiterRes | null> {
    try {
      return await op();
    } catch (err) {
      this.logger.error(`Failure counter unavailable: ${(err as Error)?.message ?? String(err)}`);
      return null;
    }
  }

  private connect(url: string): Redis {
    // No offline queue and a command timeout: while Redis is away a call fails at once, and the
    // insurance limiter answers, instead of requests waiting for a reconnection.
    const redis = new Redis(url, {
      enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // The URL may hold a password: only the error's message is logged.
    redis.on('error', (err: Error) => {
      if (this.redisDown) return;
      this.redisDown = true;
      this.logger.warn(`Redis unavailable (${err.message}); failed client authentications are counted by this instance alone until it is back.`);
    });
    redis.on('ready', () => {
      if (!this.redisDown) return;
      this.redisDown = false;
      this.logger.log('Redis is back; failed client authentications are counted across instances again.');
    });
    return redis;
  }
}

function tooManyFailures(waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError(429, OAuthErrorCode.tooManyRequests, `Too many failed client authentications; retry in ${seconds} seconds.`, { 'Retry-After': String(seconds) });
}
