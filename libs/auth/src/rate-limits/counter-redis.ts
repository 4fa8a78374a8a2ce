import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

/** How long a Redis command may take before this instance counts on its own. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * A Redis connection for failure counters kept with rate-limiter-flexible, whose insurance
 * limiter answers whenever Redis does not: no offline queue and a short command timeout, so a
 * call fails at once while Redis is away instead of holding the request for a reconnection.
 * Shared by AuthFailureLimiter and SignInThrottle; `counts` names what is counted in the log.
 */
export function connectCounterRedis(url: string, logger: Logger, counts: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  // The URL may hold a password: only the error's message is logged.
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unavailable (${err.message}); ${counts} are counted by this instance alone until it is back.`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log(`Redis is back; ${counts} are counted across instances again.`);
  });
  return redis;
}
