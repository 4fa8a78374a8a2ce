import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from './api-error';
import { normalizeError } from './normalize-error';

/** Renders every error as `{"error","error_description"}` (RFC 6749 §5.2); the default for all routes. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  protected readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { error, unexpected } = normalizeError(exception);
    if (unexpected) {
      const e = exception as Error;
      this.logger.error(`${e?.name ?? 'Error'}: ${e?.message ?? String(exception)}`, e?.stack);
    }
    this.send(reply, error);
  }

  protected body(error: ApiError): object {
    return { error: error.code, error_description: error.description, ...error.extra };
  }

  private send(reply: FastifyReply, error: ApiError): void {
    if (reply.sent) return;
    reply.status(error.status);
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Type', 'application/json; charset=utf-8');
    reply.send(JSON.stringify(this.body(error)));
  }
}

/** PingFederate runtime API error shape: `{"resultId","message"}`. */
@Catch()
export class PingFederateExceptionFilter extends OAuthExceptionFilter {
  protected override body(error: ApiError): object {
    return { resultId: error.resultId ?? error.code, message: error.description, ...error.extra };
  }
}
