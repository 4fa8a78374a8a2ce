import { ModulesContainer } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ERROR_BODY_PREFIX, ERROR_BODY_ROUTE_CONFIG, errorBodyForPrefix, ErrorBodyShapes } from './error-body';

/** A container holding one module per provider given, as Nest's would after the scan. */
function modules(...declared: ReturnType<typeof errorBodyForPrefix>[]): ModulesContainer {
  const container = new ModulesContainer();
  declared.forEach((p, i) => container.set(`m${i}`, { providers: new Map([[ERROR_BODY_PREFIX, { instance: p.useValue }]]) } as never));
  container.set('other', { providers: new Map() } as never);
  return container;
}

const request = (url: string, config: Record<string, unknown> = {}) => ({ url, routeOptions: { config } }) as unknown as FastifyRequest;

describe('ErrorBodyShapes', () => {
  const shapes = ErrorBodyShapes.of(modules(errorBodyForPrefix('/pf-ws/rest/sessionMgmt/', 'pingfederate'), errorBodyForPrefix('/pf-ws/rest/sessionMgmt/oauthy', 'oauth')));

  it('takes the shape the matched route declares, wherever its path is', () => {
    expect(shapes.forRequest(request('/token', { [ERROR_BODY_ROUTE_CONFIG]: 'pingfederate' }))).toBe('pingfederate');
    expect(shapes.forRequest(request('/pf-ws/rest/sessionMgmt/x', { [ERROR_BODY_ROUTE_CONFIG]: 'oauth' }))).toBe('oauth');
  });

  it('without one, the shape of the most specific prefix the path is under (query string ignored), else OAuth\'s', () => {
    expect(shapes.forRequest(request('/pf-ws/rest/sessionMgmt/revokedSris/abc?x=1'))).toBe('pingfederate');
    expect(shapes.forPath('/pf-ws/rest/sessionMgmt')).toBe('pingfederate');
    expect(shapes.forPath('/pf-ws/rest/sessionMgmt/oauthy/a')).toBe('oauth');
    expect(shapes.forPath('/pf-ws/rest/sessionMgmtX/a')).toBe('oauth');
    expect(shapes.forPath('/token?p=/pf-ws/rest/sessionMgmt/')).toBe('oauth');
    expect(shapes.forRequest(undefined)).toBe('oauth');
  });

  it('knows only the prefixes of its own application', () => {
    expect(ErrorBodyShapes.of(modules()).forPath('/pf-ws/rest/sessionMgmt/a')).toBe('oauth');
    expect(ErrorBodyShapes.none.forPath('/pf-ws/rest/sessionMgmt/a')).toBe('oauth');
  });
});
