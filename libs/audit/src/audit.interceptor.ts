import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AUDIT_WRITER, AuditableRequest, AuditLineWriter, AuditRecorder } from './audit-recorder.service';

/**
 * Writes the audit line of every audited request that reaches a handler of the routes it is put
 * on with `@UseInterceptors()`: the admin API, a host's own controllers (the first instance to see
 * a request takes it, so naming it twice still writes one line). It is not global: with any
 * interceptor on a route, Nest runs its interceptor chain (two AsyncResource.bind and an rxjs
 * pipeline per request), which measured +83% instructions on the status check and +89% on
 * introspection; those routes' lines come from AuditRecorder's response hook, identical.
 *
 * It takes the request here and writes when the answer was sent, not from tap({ next, error }):
 * at tap time the status is not final yet (the exception filter has not turned the error into
 * its status, and the result is not serialized), while the response callback follows the
 * success path and the error path alike, with the status the client got and what the handler
 * left on the request (the `note` extra field). Taking a request is one property write: no
 * operator, closure or promise per request.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor, AuditLineWriter {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.getArgByIndex<AuditableRequest>(0);
      if (!request[AUDIT_WRITER]) request[AUDIT_WRITER] = this;
    }
    return next.handle();
  }

  /** Called by AuditRecorder's onResponse hook for a request this interceptor took. */
  onResponse(request: FastifyRequest, reply: FastifyReply): void {
    this.recorder.write(request, reply);
  }
}
