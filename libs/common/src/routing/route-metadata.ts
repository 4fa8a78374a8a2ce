import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

const cache = new WeakMap<object, WeakMap<object, Map<string | symbol, unknown>>>();

/**
 * `reflector.getAllAndOverride(key, [handler, class])`, remembered per route: decorators are
 * fixed once the application is built, and the global guards ask on every request (the
 * reflect-metadata lookups were a measurable share of a status check).
 */
export function routeMetadata<T>(reflector: Reflector, key: string | symbol, ctx: ExecutionContext): T | undefined {
  const handler = ctx.getHandler();
  const controller = ctx.getClass();
  let byClass = cache.get(handler);
  if (!byClass) cache.set(handler, (byClass = new WeakMap()));
  let values = byClass.get(controller);
  if (!values) byClass.set(controller, (values = new Map()));
  if (values.has(key)) return values.get(key) as T | undefined;
  const value = reflector.getAllAndOverride<T | undefined>(key, [handler, controller]);
  values.set(key, value);
  return value;
}
