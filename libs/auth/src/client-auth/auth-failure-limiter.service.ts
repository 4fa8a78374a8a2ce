import { createHash } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError, AuthFailureConfig, InjectConfig, OAuthErrorCode, RedisConfig } from '@app/common';
import { connectCounterRedis } from '../rate-limits/counter-redis';

interface Limit {
  /** Names the limit in the Redis key and the log. */
  name: 'client' | 'ip';
  points: number;
  limiter: RateLimiterAbstract;
}

/** AUTH_FAILURE_MODE=delay: the wait before the first attempt over a limit, doubled at each further one up to the cap. */
export const FAILURE_DELAY_MS = 500;
export const FAILURE_MAX_DELAY_MS = 4000;

/** The wait before an attempt `over` attempts past a limit (1 for the first), in delay mode. */
export function failureDelayMs(over: number): number {
  return over <= 0 ? 0 : Math.min(FAILURE_MAX_DELAY_MS, FAILURE_DELAY_MS * 2 ** Math.min(over - 1, 16));
}

/**
 * One check's failure, counted before the check runs, so concurrent guesses cannot all be
 * checked before the first of them is counted. The check's outcome settles it.
 */
export interface FailureReservation {
  /**
   * The check passed, or never ran for a reason that is no guess (a malformed request, a store
   * outage, a caller gone before its turn): the failure is given back. Resolves with whether the
   * success may be remembered (the verified-secret cache): not when a limit that applied had been
   * reached, this check's own failure counted. Such a success may have been one guess of a
   * burst, and remembered it would pass while the burst's other failures lock the client id.
   */
  release(): Promise<boolean>;
  /** The check refused the credentials: the failure stays counted, once (`err` is marked as counted). */
  keep(err: unknown): void;
}

interface Taken {
  l: Limit;
  key: string;
  res: RateLimiterRes | null;
}

/**
 * Brute-force protection of client secrets: failed client authentications are counted per
 * client id and per client address over a fixed window (AUTH_FAILURE_WINDOW); once either count
 * reaches its limit, every authentication attempt of that id or from that address is refused
 * with 429 and Retry-After until the window ends, without the secret being checked (a refused
 * guess must not tell right from wrong). Each check takes its failure before it runs (reserve)
 * and gives it back when it passes. With AUTH_FAILURE_MODE=delay an attempt past a limit is
 * checked after a growing wait instead of refused, and the addresses of
 * AUTH_FAILURE_EXEMPT_ADDRESSES are never held by the per-client-id limit: the two ways to keep
 * someone who knows a client id from shutting out its owner (docs/reliability.md).
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
  private readonly mode: AuthFailureConfig['mode'];
  private readonly exempt?: BlockList;
  /** Refusals whose failure a reservation already counted. */
  private readonly counted = new WeakSet<object>();

  constructor(@InjectConfig('authFailures') failures: AuthFailureConfig, @InjectConfig('redis') redis: RedisConfig) {
    const window = failures.window;
    if (redis.url) this.redis = connectCounterRedis(redis.url, this.logger, 'failed client authentications');
    const make = (name: Limit['name'], points: number): Limit[] => {
      if (points <= 0) return [];
      const local = new RateLimiterMemory({ points, duration: window, keyPrefix: `authfail:${name}` });
      const limiter = this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, points, duration: window, keyPrefix: `${redis.keyPrefix}authfail:${name}`, insuranceLimiter: local })
        : local;
      return [{ name, points, limiter }];
    };
    this.limits = [...make('client', failures.perClient), ...make('ip', failures.perIp)];
    this.mode = failures.mode ?? 'lockout';
    if (failures.exemptAddresses?.length) this.exempt = blockListOf(failures.exemptAddresses);
  }

  get enabled(): boolean {
    return this.limits.length > 0;
  }

  /** Throws 429 when the client id or the address has used up its failures for this window (in lockout mode). */
  async assertAllowed(clientId: string | undefined, ip: string | undefined): Promise<void> {
    if (!this.enabled || this.mode === 'delay') return;
    const states = await Promise.all(this.keysFor(clientId, ip).map(async ({ l, key }) => ({ l, res: await this.safely(() => l.limiter.get(key)) })));
    let waitMs = 0;
    for (const s of states) {
      if (s.res && s.res.consumedPoints >= s.l.points) waitMs = Math.max(waitMs, s.res.msBeforeNext);
    }
    if (waitMs > 0) throw tooManyFailures(waitMs);
  }

  /**
   * Counts a failure against the client id and the address before a check. Past a limit, throws
   * 429 and counts nothing (lockout mode), or waits failureDelayMs and lets the check run (delay
   * mode; `signal`: stop waiting for a caller that has gone).
   */
  async reserve(clientId: string | undefined, ip: string | undefined, signal?: AbortSignal): Promise<FailureReservation> {
    if (!this.enabled) return NOTHING_RESERVED;
    const taken: Taken[] = await Promise.all(this.keysFor(clientId, ip).map(async ({ l, key }) => ({ l, key, res: await this.safely(() => l.limiter.penalty(key)) })));
    let over = 0;
    let waitMs = 0;
    for (const t of taken) {
      if (!t.res || t.res.consumedPoints <= t.l.points) continue;
      over = Math.max(over, t.res.consumedPoints - t.l.points);
      waitMs = Math.max(waitMs, t.res.msBeforeNext);
    }
    if (over > 0 && this.mode === 'lockout') {
      void this.giveBack(taken);
      throw tooManyFailures(waitMs);
    }
    if (over > 0) await sleep(failureDelayMs(over), undefined, { signal }).catch(() => undefined);
    return {
      release: async () => {
        const after = await this.giveBack(taken);
        return this.mode === 'delay' || after.every((t) => !t.res || t.res.consumedPoints + 1 < t.l.points);
      },
      keep: (err) => this.markCounted(err),
    };
  }

  /** Whether a reservation already counted this refusal. */
  isCounted(err: unknown): boolean {
    return typeof err === 'object' && err !== null && this.counted.has(err);
  }

  markCounted(err: unknown): void {
    if (typeof err === 'object' && err !== null) this.counted.add(err);
  }

  /** Counts one failed authentication against the client id (when given) and the address, after a refusal no reservation counted. */
  async recordFailure(clientId: string | undefined, ip: string | undefined): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(this.keysFor(clientId, ip).map(({ l, key }) => this.safely(() => l.limiter.penalty(key))));
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  /** The counts an attempt from `ip` for `clientId` goes against: not the client id's from an exempt address. */
  private keysFor(clientId: string | undefined, ip: string | undefined): { l: Limit; key: string }[] {
    const keys: { l: Limit; key: string }[] = [];
    for (const l of this.limits) {
      if (l.name === 'ip') {
        if (ip) keys.push({ l, key: ip });
      } else if (clientId && !(ip && this.exempt?.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6'))) {
        keys.push({ l, key: createHash('sha256').update(clientId).digest('base64url').slice(0, 32) });
      }
    }
    return keys;
  }

  /** Gives back what a reservation counted; the counts as they are after. */
  private giveBack(taken: Taken[]): Promise<Taken[]> {
    return Promise.all(taken.map(async (t) => ({ ...t, res: t.res && (await this.safely(() => t.l.limiter.reward(t.key))) })));
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
}

const NOTHING_RESERVED: FailureReservation = { release: async () => true, keep: () => undefined };

function blockListOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function tooManyFailures(waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError(429, OAuthErrorCode.tooManyRequests, `Too many failed client authentications; retry in ${seconds} seconds.`, { 'Retry-After': String(seconds) });
}
