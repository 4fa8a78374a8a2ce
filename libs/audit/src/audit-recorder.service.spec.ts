import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpAdapterHost } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/common';
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
    new AuditRecorder({} as HttpAdapterHost, { auditPaths: paths } as AppConfig, sinks);

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
