/**
 * A value now, or a promise of it. The hot paths (client authentication, introspection) answer
 * from memory without a promise when they can, and take the async path on a cache miss; Nest
 * does not await what is not a promise.
 */
export type MaybeAsync<T> = T | Promise<T>;

export function isThenable<T>(value: MaybeAsync<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `then` without a promise when the value is already there. */
export function andThen<T, R>(value: MaybeAsync<T>, next: (v: T) => MaybeAsync<R>): MaybeAsync<R> {
  return isThenable(value) ? value.then(next) : next(value);
}
