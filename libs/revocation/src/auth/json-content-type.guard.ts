import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { unsupportedMediaType } from '@app/common';

/** The request must be `Content-Type: application/json` (any parameters): 415 otherwise, before authentication. */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const header = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['content-type'];
    const mediaType = typeof header === 'string' ? header.split(';')[0].trim().toLowerCase() : '';
    if (mediaType !== 'application/json') throw unsupportedMediaType('Content-Type must be application/json.');
    return true;
  }
}
