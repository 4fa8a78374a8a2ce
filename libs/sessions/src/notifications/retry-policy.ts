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

/** Longest Retry-After honoured: a receiver cannot park a notification for longer than a day. */
export const RETRY_AFTER_MAX_MS = 86_400_000;

/**
 * Milliseconds a `Retry-After` header asks to wait (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date), at most RETRY_AFTER_MAX_MS; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  // An HTTP-date names its day and month; anything else that is not delay-seconds is unreadable.
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) - now : NaN;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS) : undefined;
}
