/** Share of a retry delay that is random, so instances and receivers recovering together do not retry in lockstep. */
export const RETRY_JITTER = 0.2;

/**
 * Milliseconds to wait after the `attempts`-th failed attempt (1 after the first): the base
 * delay doubled at each further failure, ±20% jitter, never more than `maxMs`.
 */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const jittered = exponential * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random());
  return Math.round(Math.min(jittered, maxMs));
}
