import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpAdapterHost } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import type { AuditConfig } from '@app/common';
import type { AuditRecord, AuditSink } from './audit-record';
import { AuditRecorder, pathOf, toAuditRecord } from './audit-recorder.service';

function fakeRequest(over: Record<string, unknown> = {}): FastifyRequest {
  return {
    id: 'req-7', ip: '10.1.2.3', method: 'POST', url: '/revoke?token=secret-in-query',
    headers: { 'user-agent': 'curl/8', authorization: 'Basic cnAxOnNlY3JldA==' },
    raw: { socket: {} }, routeOptions: { config: {} },
    ...over,
  } as unknown as FastifyRequest;
}
const reply = { statusCode: 401 } as FastifyReply;

describe('AuditRecorder', () => {
  const recorder = (paths: string[], sinks: AuditSink[] = []) =>
    new AuditRecorder({} as HttpAdapterHost, { paths } as AuditConfig, sinks);

  it('builds the record from the request: no query string, no credential header, auth and note only when set', () => {
    const r = toAuditRecord(fakeRequest({ auth: { clientId: 'rp1', method: 'bearer' }, auditNote: 'matches=3' }), { statusCode: 200 } as FastifyReply, new Date(0));
    expect(r).toEqual({
      time: new Date(0), name: 'rp1', authMethod: 'bearer', ip: '10.1.2.3', httpMethod: 'POST', path: '/revoke', status: 200,
      extra: { request_id: 'req-7', user_agent: 'curl/8', tls_version: undefined, note: 'matches=3' },
    });
    const anonymous = toAuditRecord(fakeRequest({ auditNote: 42 }), reply);
    expect(anonymous.name).toBeUndefined();
    expect(anonymous.authMethod).toBeUndefined();
    expect(anonymous.extra.note).toBeUndefined();
    expect(JSON.stringify(anonymous)).not.toMatch(/secret|cnAx/);
  });

  it('reads the TLS version of a TLS socket', () => {
    const r = toAuditRecord(fakeRequest({ raw: { socket: { getProtocol: () => 'TLSv1.3' } } }), reply);
    expect(r.extra.tls_version).toBe('TLSv1.3');
  });

  it('strips the query string and a fragment from the path', () => {
    expect(pathOf('/a/b?x=1&y=2')).toBe('/a/b');
    expect(pathOf('/a#frag')).toBe('/a');
    expect(pathOf('/a')).toBe('/a');
  });

  it('audits @Audited() routes, and paths below a prefix on segment boundaries', () => {
    const r = recorder(['/admin', '/pf-ws/rest/sessionMgmt/']);
    const req = (url: string, config: Record<string, unknown> = {}) => fakeRequest({ url, routeOptions: { config } });
    expect(r.isAudited(req('/elsewhere', { audited: true }))).toBe(true);
    expect(r.isAudited(req('/admin'))).toBe(true);
    expect(r.isAudited(req('/admin/clients?x=1'))).toBe(true);
    expect(r.isAudited(req('//ADMIN//clients'))).toBe(true);
    expect(r.isAudited(req('/%61dmin/clients'))).toBe(true);
    expect(r.isAudited(req('/pf-ws/rest/sessionmgmt/revokedSris/x'))).toBe(true);
    expect(r.isAudited(req('/administrator'))).toBe(false);
    expect(r.isAudited(req('/token'))).toBe(false);
    expect(r.isAudited(req('/%E0%A4%A'))).toBe(false);
  });

  it('answers the same for a path asked again, also after more distinct paths than it remembers', () => {
    const r = recorder(['/admin']);
    const req = (url: string) => fakeRequest({ url, routeOptions: { config: {} } });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        expect(r.isAudited(req(`/admin/users/${i}`))).toBe(true);
        expect(r.isAudited(req(`/adminx/${i}`))).toBe(false);
      }
    }
    expect(r.isAudited(req('/%61dmin/users/1'))).toBe(true);
    expect(r.isAudited(req('/token'))).toBe(false);
  });

  /** A recorder with refusal limits, on a Fastify stand-in that keeps its hooks by name. */
  function onFastify(sinks: AuditSink[], limits: Partial<AuditConfig> = {}) {
    const hooks: Record<string, (req: FastifyRequest, reply: FastifyReply, done: () => void) => void> = {};
    const fastify = { addHook: (name: string, fn: never) => { hooks[name] = fn; }, hasRequestDecorator: () => true, decorateRequest: jest.fn() };
    const config = { paths: ['/admin'], refusalLinesPerAddress: 2, refusalLinesTotal: 100, refusalWindow: 60, ...limits } as AuditConfig;
    const r = new AuditRecorder({ httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost, config, sinks);
    r.onModuleInit();
    /** Runs the onRequest hook; resolves true once it let the request go on. */
    const arrive = (url: string) => {
      let goneOn = false;
      hooks.onRequest(fakeRequest({ url, routeOptions: { config: {} } }), reply, () => { goneOn = true; });
      return () => goneOn;
    };
    return { r, hooks, arrive };
  }

  it('writes the first lines of an unauthenticated caller\'s refusals, then one summary line for the rest (AUDIT_REFUSAL_*)', () => {
    jest.useFakeTimers();
    try {
      const got: AuditRecord[] = [];
      const { r } = onFastify([{ write: (rec) => got.push(rec) }]);
      const long = `/admin/${'a'.repeat(5000)}`;
      for (let i = 0; i < 50; i++) r.onResponse(fakeRequest({ url: long, routeOptions: { config: {} } }), { statusCode: 404 } as FastifyReply);
      r.onResponse(fakeRequest({ url: '/admin/clients', auth: { clientId: 'ops', method: 'bearer' } }), { statusCode: 404 } as FastifyReply);
      expect(got.map((g) => [g.name, g.status])).toEqual([[undefined, 404], [undefined, 404], ['ops', 404]]);
      expect(r.suppressedLines).toBe(48);
      jest.advanceTimersByTime(60_000);
      expect(got).toHaveLength(4);
      expect(got[3].name).toBeUndefined();
      expect(got[3]).toMatchObject({ ip: '10.1.2.3', httpMethod: '', path: 'suppressed=48', status: 404, extra: { note: 'suppressed=48' } });
      // At shutdown, the open window's count is written before the sinks close.
      r.onResponse(fakeRequest({ url: long, routeOptions: { config: {} } }), { statusCode: 401 } as FastifyReply);
      r.onResponse(fakeRequest({ url: long, routeOptions: { config: {} } }), { statusCode: 401 } as FastifyReply);
      r.onResponse(fakeRequest({ url: long, routeOptions: { config: {} } }), { statusCode: 401 } as FastifyReply);
      r.beforeApplicationShutdown();
      expect(got.at(-1)).toMatchObject({ path: 'suppressed=1', status: 401 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('holds audited requests before they run while a sink is behind, and lets them go on once it caught up', async () => {
    let caughtUp: (() => void) | undefined;
    let behind: Promise<void> | undefined;
    const slow: AuditSink = { write: () => undefined, whenCaughtUp: () => behind };
    const { r, arrive } = onFastify([{ write: () => undefined }, slow]);
    expect(arrive('/admin/clients')()).toBe(true);
    behind = new Promise<void>((resolve) => { caughtUp = resolve; });
    const audited = [arrive('/admin/clients'), arrive('/ADMIN//x?y=1')];
    const other = arrive('/token');
    expect(other()).toBe(true);
    await Promise.resolve();
    expect(audited.map((goneOn) => goneOn())).toEqual([false, false]);
    expect(r.heldRequests).toBe(2);
    behind = undefined;
    caughtUp!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(audited.map((goneOn) => goneOn())).toEqual([true, true]);
  });

  it('lets requests go on when a sink\'s whenCaughtUp throws, and reports that sink once', () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { arrive } = onFastify([{ write: () => undefined, whenCaughtUp: () => { throw new Error('boom'); } }]);
    expect(arrive('/admin/clients')()).toBe(true);
    expect(arrive('/admin/clients')()).toBe(true);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });

  it('gives every sink the record; a sink that throws is reported once and does not stop the others', () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const got: AuditRecord[] = [];
    const broken: AuditSink = { write: () => { throw new Error('boom'); } };
    const r = recorder(['/revoke'], [broken, { write: (rec) => got.push(rec) }]);
    expect(() => { r.onResponse(fakeRequest(), reply); r.onResponse(fakeRequest(), reply); }).not.toThrow();
    expect(got.map((g) => g.status)).toEqual([401, 401]);
    expect(errors).toHaveBeenCalledTimes(1);
    r.onResponse(fakeRequest({ url: '/token' }), reply);
    expect(got).toHaveLength(2);
    errors.mockRestore();
  });
});
