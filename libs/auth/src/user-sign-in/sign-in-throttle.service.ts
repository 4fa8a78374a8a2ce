import { createHash } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, RedisConfig, SignInConfig } from '@app/common';
import { connectCounterRedis } from '../rate-limits/counter-redis';

/** Attempts in a window that never wait: two typing mistakes cost nothing. */
const UNDELAYED_ATTEMPTS = 2;

interface Limit {
  /** Names the limit in the Redis key. */
  name: 'user' | 'ip';
  points: number;
  limiter: RateLimiterAbstract;
}

interface Taken {
  limit: Limit;
  key: string;
  /** Null when neither Redis nor the insurance limiter answered: nothing was counted. */
  res: RateLimiterRes | null;
}

/** An attempt that may check its password; its failure is already counted. */
export interface SignInReservation {
  allowed: true;
  /** How long to wait before checking the password (the progressive delay). */
  delayMs: number;
  /** The password was right: clears the username's count and gives the address its point back. */
  succeeded(): Promise<void>;
  /** The password could not be checked (the store failed): the attempt counts against nothing. */
  cancel(): Promise<void>;
}

/** An attempt refused without checking its password. */
export interface SignInRefusal {
  allowed: false;
  retryAfterSeconds: number;
  /** The first refusal of this lockout, which is worth a warning; the ones after it are not. */
  first: boolean;
}

/**
 * Password guessing protection for user sign-ins (password grant and sign-in form), counted per
 * username and per client address over a fixed window (SIGN_IN_FAILURE_WINDOW).
 *
 * Each attempt reserves its failure *before* the password is checked, so a burst of concurrent
 * guesses gets no more checks than the limit; a right password clears the username's count and
 * gives the address its point back, so only failures remain counted. Past either limit the
 * attempt is refused without its password being checked, right or wrong. From a username's third
 * attempt in the window each one waits before its check (SIGN_IN_DELAY_MS, doubled each time up
 * to SIGN_IN_MAX_DELAY_MS), which slows a guesser going one at a time.
 *
 * Usernames are counted whether or not they exist, so probing is limited as much as guessing,
 * and keyed by a digest of their normalized form: variants in case or width count together,
 * nothing has to be read from the store to refuse, and a password typed into the username field
 * never reaches Redis. Shared through Redis like AuthFailureLimiter, with the same insurance
 * limiter when Redis is away.
 */
@Injectable()
export class SignInThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger('SignInThrottle');
  private readonly limits: Limit[];
  private readonly redis?: Redis;

  constructor(@InjectConfig('signIn') private readonly settings: SignInConfig, @InjectConfig('redis') redis: RedisConfig) {
    const make = (name: Limit['name'], points: number): Limit[] => {
      if (points <= 0) return [];
      const local = new RateLimiterMemory({ points, duration: settings.window, keyPrefix: `signin:${name}` });
      const limiter = this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, points, duration: settings.window, keyPrefix: `${redis.keyPrefix}signin:${name}`, insuranceLimiter: local })
        : local;
      return [{ name, points, limiter }];
    };
    if (redis.url && (settings.perUser > 0 || settings.perIp > 0)) this.redis = connectCounterRedis(redis.url, this.logger, 'failed sign-ins');
    this.limits = [...make('user', settings.perUser), ...make('ip', settings.perIp)];
  }

  /** Counts one failure of `username` from `ip` in advance, or refuses the attempt when either is over its limit. */
  async reserve(username: string, ip: string | undefined): Promise<SignInReservation | SignInRefusal> {
    const taken: Taken[] = await Promise.all(this.limits.flatMap((limit) => {
      const key = limit.name === 'user' ? usernameDigest(username) : ip;
      return key ? [this.consume(limit, key).then((res) => ({ limit, key, res }))] : [];
    }));
    const over = taken.filter((t) => t.res !== null && t.res.consumedPoints > t.limit.points);
    if (over.length > 0) {
      // No password is checked, so this is no guess: it stays counted only where the count was over already.
      await Promise.all(taken.filter((t) => t.res !== null && !over.includes(t)).map((t) => this.safely(() => t.limit.limiter.reward(t.key, 1))));
      const waitMs = Math.max(...over.map((t) => t.res!.msBeforeNext));
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), first: over.some((t) => t.res!.consumedPoints === t.limit.points + 1) };
    }
    const counted = taken.filter((t) => t.res !== null);
    const ordinal = counted.find((t) => t.limit.name === 'user')?.res?.consumedPoints ?? 0;
    return {
      allowed: true,
      delayMs: progressiveDelay(ordinal, this.settings),
      succeeded: async () => {
        await Promise.all(counted.map((t) => this.safely<unknown>(() => (t.limit.name === 'user' ? t.limit.limiter.delete(t.key) : t.limit.limiter.reward(t.key, 1)))));
      },
      cancel: async () => {
        await Promise.all(counted.map((t) => this.safely(() => t.limit.limiter.reward(t.key, 1))));
      },
    };
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  private consume(limit: Limit, key: string): Promise<RateLimiterRes | null> {
    // consume() rejects with a RateLimiterRes once past the limit: that is the count, not an error.
    return this.safely(() => limit.limiter.consume(key).catch((r: unknown) => (r instanceof RateLimiterRes ? r : Promise.reject(r))));
  }

  /** The insurance limiter answers for Redis; this only guards against a failure of both. */
  private async safely<T>(op: () => Promise<T>): Promise<T | null> {
    try {
      return await op();
    } catch (err) {
      this.logger.error(`Sign-in failure counter unavailable: ${(err as Error)?.message ?? String(err)}`);
      return null;
    }
  }
}

/**
 * The wait before checking the password of a username's `ordinal`-th attempt in the window:
 * none for the first two, then `delayMs`, doubled at each further attempt, at most `maxDelayMs`.
 */
export function progressiveDelay(ordinal: number, settings: Pick<SignInConfig, 'delayMs' | 'maxDelayMs'>): number {
  if (settings.delayMs <= 0 || ordinal <= UNDELAYED_ATTEMPTS) return 0;
  return Math.min(settings.maxDelayMs, settings.delayMs * 2 ** Math.min(ordinal - UNDELAYED_ATTEMPTS - 1, 20));
}

/** The username as counted and logged: NFKC, trimmed, lower case, then SHA-256 (base64url). */
export function usernameDigest(username: string): string {
  return createHash('sha256').update(username.normalize('NFKC').trim().toLowerCase()).digest('base64url');
}
