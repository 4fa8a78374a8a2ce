import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { invalidRequest } from '@app/common';

const QUERY_PARAMS = 'admin:query-params';

/**
 * The query parameters an admin route takes: names, or a family by its prefix ending in `.`
 * (`attr.` takes `attr.mail`, `attr.uid`…). A route that declares none takes none.
 */
export const QueryParams = (...names: string[]) => SetMetadata(QUERY_PARAMS, names);

/** Parameter names are echoed in the error: at most this long each. */
const SHOWN_NAME_LENGTH = 64;

/**
 * Refuses, with 400 invalid_request naming them, query parameters the route does not declare
 * (a filter the route does not know must not pass for one that found nothing) and parameters
 * given twice. On every admin route through AdminApi(), so a route without QueryParams takes none.
 */
@Injectable()
export class KnownQueryGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.get<string[] | undefined>(QUERY_PARAMS, context.getHandler()) ?? [];
    const query = (context.switchToHttp().getRequest<{ query?: unknown }>().query ?? {}) as Record<string, unknown>;
    const names = Object.keys(query);
    const unknown = names.filter((name) => !allowed.some((a) => (a.endsWith('.') ? name.length > a.length && name.startsWith(a) : name === a)));
    if (unknown.length > 0) {
      const shown = unknown.map((n) => JSON.stringify(n.length > SHOWN_NAME_LENGTH ? `${n.slice(0, SHOWN_NAME_LENGTH)}…` : n)).join(', ');
      const takes = allowed.length > 0 ? `takes ${allowed.map((a) => (a.endsWith('.') ? `${a}NAME` : a)).join(', ')}` : 'takes no query parameter';
      throw invalidRequest(`Unknown query parameter${unknown.length > 1 ? 's' : ''} ${shown}: this endpoint ${takes}.`);
    }
    const repeated = names.find((name) => Array.isArray(query[name]));
    if (repeated !== undefined) throw invalidRequest(`${repeated}: must be given once.`);
    return true;
  }
}

/** `?active=true|false` and the like: a boolean query parameter, or undefined when absent. */
export function booleanQuery(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`${name}: must be true or false`);
}

/** A query parameter that must be one of `values`, or undefined when absent. */
export function oneOfQuery<T extends string>(name: string, value: unknown, values: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw invalidRequest(`${name}: must be one of ${values.join(', ')}`);
}

/** A non-empty text query parameter of at most `max` characters, or undefined when absent. */
export function textQuery(name: string, value: unknown, max = 1024): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw invalidRequest(`${name}: must be 1 to ${max} characters`);
  return value;
}
