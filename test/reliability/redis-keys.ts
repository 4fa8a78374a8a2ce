import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** The local Redis the reliability suites use; they skip without it (failed under CI=true). */
export const REDIS_PORT = 6379;

/** A per-test key prefix, so runs sharing the machine's Redis never see each other's counters. */
export const redisPrefix = () => `test:${randomBytes(6).toString('hex')}:`;

async function withRedis<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port: REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`. */
export const dropRedisKeys = (prefix: string): Promise<void> =>
  withRedis(async (redis) => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

/** How many keys start with `prefix`. */
export const redisKeyCount = (prefix: string): Promise<number> => withRedis(async (redis) => (await redis.keys(`${prefix}*`)).length);
