import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import { lastValueFrom, of, throwError } from 'rxjs';
import type { AuditConfig } from '@app/common';
import type { AuditRecord } from './audit-record';
import { AUDIT_WRITER, AuditRecorder } from './audit-recorder.service';
import { AuditInterceptor } from './audit.interceptor';

function fakeRequest(url = '/revoke'): FastifyRequest & Record<string, unknown> {
  return {
    id: 'req-1', ip: '10.1.2.3', method: 'POST', url, headers: {}, raw: { socket: {} }, routeOptions: { config: {} }, [AUDIT_WRITER]: null,
  } as unknown as FastifyRequest & Record<string, unknown>;
}
const httpContext = (request: unknown, type = 'http') =>
  ({ getType: () => type, getArgByIndex: (i: number) => (i === 0 ? request : undefined) }) as unknown as ExecutionContext;

/** A recorder on a Fastify stand-in that keeps the onResponse hook, so a test can answer a request. */
function setUp() {
  const records: AuditRecord[] = [];
  let hook: onResponseHookHandler | undefined;
  const fastify = { addHook: (name: string, fn: onResponseHookHandler) => { if (name === 'onResponse') hook = fn; }, hasRequestDecorator: () => false, decorateRequest: jest.fn() };
  const recorder = new AuditRecorder({ httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost, { paths: ['/revoke'] } as AuditConfig, [{ write: (r) => records.push(r) }]);
  recorder.onModuleInit();
  const respond = (request: FastifyRequest, statusCode: number) =>
    (hook as unknown as (req: FastifyRequest, reply: FastifyReply, done: () => void) => void)(request, { statusCode } as FastifyReply, () => undefined);
  return { records, recorder, fastify, respond, interceptor: new AuditInterceptor(recorder) };
}

describe('AuditInterceptor', () => {
  it('declares the request property, so every request has it', () => {
    const { fastify } = setUp();
    expect(fastify.decorateRequest).toHaveBeenCalledWith(AUDIT_WRITER, null);
  });

  it('takes a request that reaches a handler; a second instance (global and local) leaves it to the first', () => {
    const { interceptor, recorder } = setUp();
    const local = new AuditInterceptor(recorder);
    const request = fakeRequest();
    const next: CallHandler = { handle: () => of('ok') };
    interceptor.intercept(httpContext(request), next);
    local.intercept(httpContext(request), next);
    expect(request[AUDIT_WRITER]).toBe(interceptor);
    const other = fakeRequest();
    interceptor.intercept(httpContext(other, 'rpc'), next);
    expect(other[AUDIT_WRITER]).toBeNull();
  });

  it.each([
    ['the handler returned', () => of('ok'), 201],
    ['the handler threw (the exception filter set the status)', () => throwError(() => new Error('store down')), 500],
  ])('writes once the answer was sent, with its final status: %s', async (_, handle, status) => {
    const { interceptor, recorder, records, respond } = setUp();
    const hookWrites = jest.spyOn(recorder, 'onResponse');
    const writes = jest.spyOn(interceptor, 'onResponse');
    const request = fakeRequest();
    await lastValueFrom(interceptor.intercept(httpContext(request), { handle })).catch(() => undefined);
    expect(records).toHaveLength(0);
    respond(request, status);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(hookWrites).not.toHaveBeenCalled();
    expect(records.map((r) => r.status)).toEqual([status]);
  });

  it('leaves the line of a request no handler saw to the hook, and writes nothing for an unaudited path', () => {
    const { interceptor, recorder, records, respond } = setUp();
    const writes = jest.spyOn(interceptor, 'onResponse');
    const hookWrites = jest.spyOn(recorder, 'onResponse');
    respond(fakeRequest(), 401);
    expect(hookWrites).toHaveBeenCalledTimes(1);
    const token = fakeRequest('/token');
    interceptor.intercept(httpContext(token), { handle: () => of('ok') });
    respond(token, 200);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(records.map((r) => [r.path, r.status])).toEqual([['/revoke', 401]]);
  });
});
