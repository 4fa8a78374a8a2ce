import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { unsupportedMediaType } from '../errors/api-error';

/** `application/json`, in any case, with or without parameters such as `; charset=utf-8`. */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  return typeof header === 'string' && header.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * A JSON endpoint's media type check, before authentication: 415 unless `Content-Type` is
 * `application/json`. The error renders in the route's body shape (OAuth or PingFederate).
 * Bodies of a type no parser knows are refused by Fastify before this guard, with the same
 * status and shape.
 */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const headers = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers;
    if (!isJsonContentType(headers['content-type'])) throw unsupportedMediaType();
    return true;
  }
}
