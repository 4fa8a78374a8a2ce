// The rows of the throughput table: what each target is sent under load, and how one answer is
// checked before the load (probeCase) decides whether the row is measured.
import { basic, form, request } from './http.mjs';
import { PF, formHeaders, pfHeaders, rsAuth } from './api.mjs';
import { primary } from './server.mjs';

/**
 * The cases, in the order they run in each round. Reads the reference servers from ctx.refs and
 * the seeded data from ctx.data; `listed` replaces ctx.data.listed (the big-list phase).
 */
export function buildCases(ctx, { listed = ctx.data.listed } = {}) {
  const { bare, oidc, nest, statusShape } = ctx.refs;
  const { unlisted, oidcTokens, introValid, introRevoked } = ctx.data;
  const { ref, oidc: oidcClient } = ctx.clients;
  const port = primary(ctx);
  const pick = (arr, i) => arr[i % arr.length];
  const statusRequests = [];
  for (let i = 0; i < 1000; i++) {
    const sri = i % 2 === 0 ? pick(listed, i * 7919) : pick(unlisted, i * 7919);
    statusRequests.push({ method: 'GET', path: `${PF}/${encodeURIComponent(sri)}?updateActivityTime=false`, headers: pfHeaders(ctx), listed: i % 2 === 0 });
  }
  const shapeRequests = Array.from({ length: 1000 }, (_, i) => ({ method: 'GET', path: `${PF}/shape-${ctx.runId}-${i}?updateActivityTime=false`, headers: pfHeaders(ctx), listed: i % 2 === 0 }));
  const introReq = (token) => ({ method: 'POST', path: '/introspect', headers: formHeaders(rsAuth(ctx)), body: form({ token }) });
  const oidcAuth = { authorization: basic(oidcClient.id, oidcClient.secret) };
  // A Status List Token this server serves (phases/throughput.mjs found it); /statuslists/1 if none, which then answers 404.
  const listPath = ctx.data.statusList?.path ?? '/statuslists/1';
  const notModified = { method: 'GET', path: listPath, headers: { 'if-none-match': ctx.data.statusList?.etag ?? '"none"' } };
  let postCounter = 0;
  return [
    {
      key: 'bare', label: 'bare node:http, tiny JSON', target: 'bare', port: bare.port,
      requests: [{ method: 'GET', path: '/' }],
      check: async (r) => (r.status === 200 ? null : `status ${r.status}`),
      expected: [200],
    },
    {
      key: 'nest', label: 'NestJS on Fastify, one route, tiny JSON (no work of ours)', target: 'nest', port: nest.port,
      requests: [{ method: 'GET', path: '/' }],
      check: async (r) => (r.status === 200 ? null : `status ${r.status}`),
      expected: [200],
    },
    {
      // bench/targets/nest-status-shape.cjs lists an id when its last character's code is even.
      key: 'nest.statusShape', label: 'NestJS route shaped like GET revokedSris/{id}, none of its work (half 404)', target: 'nest', port: statusShape.port,
      requests: shapeRequests.map(({ listed: _l, ...r }) => r),
      meta: shapeRequests,
      check: async (r, req) => (r.status === (req.listed ? 200 : 404) ? null : `status ${r.status}`),
      expected: [200, 404],
    },
    {
      key: 'oidc.introspect', label: 'oidc-provider POST /token/introspection', target: 'oidc', port: oidc.port,
      requests: oidcTokens.map((t) => ({ method: 'POST', path: '/token/introspection', headers: formHeaders(oidcAuth), body: form({ token: t }) })),
      check: async (r) => (r.status === 200 && r.json?.active === true ? null : `status ${r.status} ${r.text.slice(0, 120)}`),
      expected: [200],
    },
    {
      key: 'oidc.token', label: 'oidc-provider POST /token client_credentials', target: 'oidc', port: oidc.port,
      requests: [{ method: 'POST', path: '/token', headers: formHeaders(oidcAuth), body: form({ grant_type: 'client_credentials', scope: 'api' }) }],
      check: async (r) => (r.status === 200 && r.json?.access_token ? null : `status ${r.status} ${r.text.slice(0, 120)}`),
      expected: [200],
    },
    {
      key: 'srv.status', label: 'GET revokedSris/{id} (half listed), updateActivityTime=false', target: 'server', port, baseline: 'oidc.introspect', floor: 'nest.statusShape',
      requests: statusRequests.map(({ listed: _l, ...r }) => r),
      meta: statusRequests,
      check: async (r, req) => {
        if (req.listed) return r.status === 200 && typeof r.json?.id === 'string' ? null : `listed SRI: status ${r.status} ${r.text.slice(0, 160)}`;
        return r.status === 404 && r.json?.resultId === 'session_mgmt_sri_not_revoked' ? null : `unlisted SRI: status ${r.status} ${r.text.slice(0, 160)}`;
      },
      expected: [200, 404],
      listedSize: listed.length,
    },
    {
      key: 'srv.statusList', label: 'GET /statuslists/{id} (Status List Token)', target: 'server', port,
      requests: [{ method: 'GET', path: listPath }],
      check: async (r) => (r.status === 200 && /^application\/statuslist\+jwt/.test(r.headers['content-type'] ?? '') && r.text.split('.').length === 3 ? null : `status ${r.status} ${r.headers['content-type']} ${r.text.slice(0, 120)}`),
      expected: [200],
    },
    {
      // The list is signed again every half ttl (30 s by default): each run first asks for the current ETag,
      // and a run that outlives it gets 200s for the rest, which are counted as expected answers.
      key: 'srv.statusList.304', label: 'GET /statuslists/{id}, If-None-Match its ETag (304)', target: 'server', port,
      requests: [notModified],
      prepare: async () => {
        const r = await request(port, 'GET', listPath);
        if (r.headers.etag) notModified.headers['if-none-match'] = r.headers.etag;
      },
      check: async (r) => (r.status === 304 ? null : `status ${r.status} ${r.text.slice(0, 120)}`),
      expected: [304, 200],
    },
    {
      key: 'srv.introspect.valid', label: 'POST /introspect, valid JWT', target: 'server', port, baseline: 'oidc.introspect',
      requests: introValid.map(introReq),
      check: async (r) => (r.status === 200 && r.json?.active === true ? null : `status ${r.status} ${r.text.slice(0, 160)}`),
      expected: [200],
    },
    {
      key: 'srv.introspect.revoked', label: 'POST /introspect, revoked JWT', target: 'server', port, baseline: 'oidc.introspect',
      requests: introRevoked.map(introReq),
      check: async (r) => (r.status === 200 && r.json?.active === false ? null : `status ${r.status} ${r.text.slice(0, 160)}`),
      expected: [200],
    },
    {
      key: 'srv.token', label: 'POST /token client_credentials, JWT access token (ES256)', target: 'server', port, baseline: 'oidc.token',
      requests: [{ method: 'POST', path: '/token', headers: formHeaders(rsAuth(ctx)), body: form({ grant_type: 'client_credentials', scope: 'api' }) }],
      check: async (r) => (r.status === 200 && /^eyJ/.test(r.json?.access_token ?? '') ? null : `status ${r.status} ${r.text.slice(0, 160)}`),
      expected: [200],
    },
    {
      key: 'srv.token.reference', label: 'POST /token client_credentials, reference access token (opaque)', target: 'server', port, baseline: 'oidc.token',
      requests: [{ method: 'POST', path: '/token', headers: formHeaders({ authorization: basic(ref.id, ref.secret) }), body: form({ grant_type: 'client_credentials', scope: 'api' }) }],
      check: async (r) => (r.status === 200 && /^rat1\./.test(r.json?.access_token ?? '') ? null : `status ${r.status} ${r.text.slice(0, 160)}`),
      expected: [200],
    },
    {
      key: 'srv.revokedSris.post', label: 'POST revokedSris (a new SRI each time)', target: 'server', port, baseline: 'oidc.introspect',
      dynamic: () => ({
        method: 'POST', path: PF, headers: { ...pfHeaders(ctx), 'content-type': 'application/json' },
        body: JSON.stringify({ id: `bench-${ctx.runId}-${(postCounter++).toString(36)}` }),
      }),
      check: async (r) => (r.status === 201 ? null : `status ${r.status} ${r.text.slice(0, 160)}`),
      expected: [201],
    },
  ];
}

/** Sends a sample of a case's requests one by one and checks every answer; decides "available". */
export async function probeCase(c) {
  await c.prepare?.();
  const sample = c.dynamic ? [c.dynamic(), c.dynamic()] : c.requests.filter((_, i) => i < 6 || i % Math.max(1, Math.floor(c.requests.length / 20)) === 0);
  const meta = c.meta ?? [];
  for (let i = 0; i < sample.length; i++) {
    const req = sample[i];
    const idx = c.requests ? c.requests.indexOf(req) : -1;
    const r = await request(c.port, req.method, req.path, { headers: req.headers, body: req.body });
    const problem = await c.check(r, meta[idx] ?? {});
    if (problem) {
      const missing = r.status === 404 && !(r.json && r.json.resultId === 'session_mgmt_sri_not_revoked');
      return { available: false, reason: missing ? `not available (404 for ${req.method} ${req.path.split('?')[0].replace(/revokedSris\/.*/, 'revokedSris/{id}')})` : `wrong answer: ${problem}` };
    }
  }
  return { available: true };
}
