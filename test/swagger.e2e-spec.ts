import request from 'supertest';
import { API_TAGS, usedTags } from '../apps/server/src/openapi/swagger';
import { startTestApp, TestApp } from './support/test-app';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, any>;

/** Every `$ref` in the document, each a JSON pointer such as `#/components/schemas/X`. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function resolve(doc: Json, pointer: string): unknown {
  return pointer.replace(/^#\//, '').split('/').reduce<any>((n, part) => n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe('Swagger / OpenAPI', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await request(t.server).get('/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body;
  });
  afterAll(async () => { await t.close(); });

  it('is an OpenAPI 3 document: version, info, and operations that each answer something', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    // The page's own origin first (Try it out works on any host and port), then the issuer.
    expect(doc.servers).toEqual([
      { url: '/', description: 'This server: the address this page was loaded from' }, { url: 'http://localhost:8080', description: 'The issuer' },
    ]);
    const ids: string[] = [];
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries<Json>(item)) {
        expect(METHODS).toContain(method);
        expect(Object.keys(op.responses ?? {}).length).toBeGreaterThan(0);
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        ids.push(op.operationId);
      }
    }
    expect(ids.every((id) => /^[A-Za-z0-9_]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has no dangling $ref', () => {
    const dangling = refs(doc).filter((r) => resolve(doc, r) === undefined);
    expect(dangling).toEqual([]);
  });

  it('declares the basic, bearer and xsrf security schemes, and every operation uses only declared ones', () => {
    // Feature modules may add schemes of their own; these three are the foundation's.
    expect(doc.components.securitySchemes).toMatchObject({
      basic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      xsrf: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-XSRF-HEADER' }),
    });
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
      }
    }
    expect(doc.paths['/token'].post.security).toEqual(expect.arrayContaining([{ basic: [] }]));
  });

  it('offers OAuth2 client credentials against this server\'s /token, accepted wherever a bearer token is', () => {
    expect(doc.components.securitySchemes.oauth2).toEqual(expect.objectContaining({
      type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'token', scopes: expect.objectContaining({ admin: expect.any(String) }) } },
    }));
    const bearerOps = Object.values<Json>(doc.paths).flatMap((item) => Object.values<Json>(item)).filter((op) => (op.security ?? []).some((r: Json) => 'bearer' in r));
    expect(bearerOps.length).toBeGreaterThan(10);
    for (const op of bearerOps) expect([op.operationId, op.security]).toEqual([op.operationId, expect.arrayContaining([{ oauth2: [] }])]);
  });

  it('lists /health and the discovery paths', () => {
    for (const path of ['/health', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jans-auth/.well-known/openid-configuration']) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
    expect(doc.paths['/health'].get.tags).toEqual(['Health']);
    expect(doc.paths['/.well-known/openid-configuration'].get.tags).toEqual(['Discovery']);
    expect(doc.paths['/.well-known/openid-configuration'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DiscoveryMetadataDto' });
  });

  it('describes each tag an operation uses, in the module order, and lists no empty tag', () => {
    const used = new Set(Object.values<Json>(doc.paths).flatMap((item) => Object.values<Json>(item).flatMap((op) => op.tags ?? [])));
    expect(new Set(doc.tags.map((tag: Json) => tag.name))).toEqual(used);
    const order = API_TAGS.map((tag) => tag.name);
    const known = doc.tags.filter((tag: Json) => order.includes(tag.name));
    expect(known.map((tag: Json) => order.indexOf(tag.name))).toEqual([...known.map((tag: Json) => order.indexOf(tag.name))].sort((a, b) => a - b));
    for (const name of ['OAuth', 'Discovery', 'Health']) {
      expect(doc.tags.find((tag: Json) => tag.name === name)?.description).toEqual(API_TAGS.find((tag) => tag.name === name)!.description);
    }
  });

  it('usedTags keeps the declared order, drops unused tags and appends undeclared ones', () => {
    const tags = usedTags({
      tags: [{ name: 'A', description: 'a' }, { name: 'B', description: 'b' }, { name: 'C', description: 'c' }],
      paths: { '/x': { get: { tags: ['C'], responses: {} } }, '/y': { post: { tags: ['Z', 'A'], responses: {} } } },
    });
    expect(tags).toEqual([{ name: 'A', description: 'a' }, { name: 'C', description: 'c' }, { name: 'Z' }]);
  });

  it('serves the Swagger UI as HTML at /docs', async () => {
    const res = await request(t.server).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>Revocation Server API</title>');
    expect(res.text).toMatch(/swagger-ui/i);
    // The page's scripts and styles are served too (a broken static route would show a blank page).
    const assets = [...res.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => new URL(m[1], 'http://localhost/docs').pathname);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) await request(t.server).get(asset).expect(200);
  });
});
