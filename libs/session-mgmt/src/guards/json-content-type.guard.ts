import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SessionMgmtErrors } from '../session-mgmt.errors';

/** `application/json`, in any case, with or without parameters such as `; charset=utf-8`. */
export function isJsonContentType(header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  return header.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * Seed: "The required Content-Type is application/json" (415 otherwise). Bodies of a type no
 * parser knows are refused by Fastify before this guard, with the same status and body shape.
 */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (!isJsonContentType(ctx.switchToHttp().getRequest<FastifyRequest>().headers['content-type'])) throw SessionMgmtErrors.unsupportedMediaType();
    return true;
  }
}
