import type { INestApplicationContext, ValueProvider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

/** The error body a route promises: `{"error","error_description"}` or `{"resultId","message"}`. */
export type ErrorBodyShape = 'oauth' | 'pingfederate';

/**
 * Fastify route config member naming the error body a route promises (set by
 * `PingFederateErrors()`). Read from the matched route, so it also applies to errors Fastify
 * raises before the handler runs (body parsing, unsupported media type, body too large).
 */
export const ERROR_BODY_ROUTE_CONFIG = 'errorBody';

/** Provider token of an `ErrorBodyPrefix`; each module that owns a prefix provides its own. */
export const ERROR_BODY_PREFIX = Symbol('ERROR_BODY_PREFIX');

/** A path prefix whose errors take a shape even where no route matched. */
export interface ErrorBodyPrefix {
  readonly prefix: string;
  readonly shape: ErrorBodyShape;
}

/**
 * Declares, as a provider of the module that owns `prefix`, the shape of errors below it that
 * no route answers: a method Nest does not route (SEARCH, TRACE…), an empty path parameter, a
 * URL Fastify cannot decode or a path parameter over its limit (before routing).
 */
export function errorBodyForPrefix(prefix: string, shape: ErrorBodyShape): ValueProvider<ErrorBodyPrefix> {
  return { provide: ERROR_BODY_PREFIX, useValue: { prefix: prefix.replace(/\/+$/, ''), shape } };
}

/** Which body shape a request's errors take: its route's, else that of the prefix it is under, else OAuth's. */
export class ErrorBodyShapes {
  private constructor(private readonly prefixes: readonly ErrorBodyPrefix[]) {}

  /** The prefixes every module of an application declared with `errorBodyForPrefix`. */
  static of(app: INestApplicationContext | ModulesContainer): ErrorBodyShapes {
    const modules = app instanceof ModulesContainer ? app : app.get(ModulesContainer, { strict: false });
    const prefixes: ErrorBodyPrefix[] = [];
    for (const module of modules.values()) {
      const declared = module.providers.get(ERROR_BODY_PREFIX)?.instance as ErrorBodyPrefix | undefined;
      if (declared) prefixes.push(declared);
    }
    // The most specific prefix wins.
    return new ErrorBodyShapes(prefixes.sort((a, b) => b.prefix.length - a.prefix.length));
  }

  static readonly none = new ErrorBodyShapes([]);

  forRequest(request: FastifyRequest | undefined): ErrorBodyShape {
    const declared = (request?.routeOptions?.config as Record<string, unknown> | undefined)?.[ERROR_BODY_ROUTE_CONFIG];
    if (declared === 'pingfederate' || declared === 'oauth') return declared;
    return this.forPath(request?.url);
  }

  forPath(url: string | undefined): ErrorBodyShape {
    const path = (url ?? '').split('?')[0];
    for (const { prefix, shape } of this.prefixes) if (path === prefix || path.startsWith(`${prefix}/`)) return shape;
    return 'oauth';
  }
}
