import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ClientAuthenticator, ClientCache, RevocationIndex, TokenSigner } from '@app/auth';
import { seedUser } from './support/fixtures';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { login, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, seedClient } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

const P = 'revocation_';

async function scrape(t: TestApp, token?: string) {
  const req = request(t.server).get('/metrics');
  if (token) req.set('Authorization', `Bearer ${token}`);
  const res = await req;
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers['cache-control']).toBe('no-store');
  return parsePrometheus(res.text);
}

describe('GET /metrics (open: no METRICS_TOKEN)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, SEED_CLIENT);
  });
  afterAll(async () => { await t.close(); });

  it('counts requests and their latency per route pattern, method and status, never per raw URL', async () => {
    await request(t.server).get('/health').expect(200);
    await request(t.server).get('/health').expect(200);
    await request(t.server).get('/no/such/path/123').expect(404);
    await request(t.server).get(`${REVOKED_SRIS}/some-sri-1`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').expect(404);
    const m = await scrape(t);
    expect(m.types[`${P}http_requests_total`]).toBe('counter');
    expect(m.types[`${P}http_request_duration_seconds`]).toBe('histogram');
    expect(sampleValue(m, `${P}http_requests_total`, { method: 'GET', route: '/health', status: '200' })).toBe(2);
    expect(sampleValue(m, `${P}http_requests_total`, { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    // The path parameter stays a parameter: one series for every SRI.
    expect(sampleValue(m, `${P}http_requests_total`, { route: `${REVOKED_SRIS}/:id`, status: '404' })).toBe(1);
    expect(m.samples.some((s) => Object.values(s.labels).some((v) => v.includes('some-sri-1') || v.includes('/no/such')))).toBe(false);
    const count = sampleValue(m, `${P}http_request_duration_seconds_count`, { method: 'GET', route: '/health', status: '200' });
    expect(count).toBe(2);
    expect(sampleValue(m, `${P}http_request_duration_seconds_bucket`, { route: '/health', status: '200', le: '+Inf' })).toBe(2);
    expect(sampleValue(m, `${P}http_request_duration_seconds_sum`, { route: '/health', status: '200' })).toBeGreaterThan(0);
    // prom-client's process metrics come along, under the same prefix.
    expect(m.types[`${P}process_cpu_seconds_total`]).toBe('counter');
  });

  it('reports the revocation list size, revocations by kind, sessions ended by reason and client cache lookups', async () => {
    const before = await scrape(t);
    const listed = sampleValue(before, `${P}revocation_list_size`)!;
    expect(listed).toBe(t.app.get(RevocationIndex).listedCount());
    await seedUser(t, 'metrics-user', 'pw-metrics-1');
    const { sri, accessToken } = await login(t, SEED_CLIENT, 'metrics-user', 'pw-metrics-1');
    // The same access token checked twice: its signature is verified once, then found in the cache.
    for (let i = 0; i < 2; i++) await request(t.server).post('/introspect').auth(SEED_CLIENT.client_id, SEED_CLIENT.client_secret).type('form').send({ token: accessToken }).expect(200);
    await request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate')
      .set('Content-Type', 'application/json').send({ id: sri }).expect(201);
    const after = await scrape(t);
    expect(sampleValue(after, `${P}revocation_list_size`)).toBe(listed + 1);
    expect(sampleValue(after, `${P}revocation_events_total`, { kind: 'sri' })).toBeGreaterThanOrEqual((sampleValue(before, `${P}revocation_events_total`, { kind: 'sri' }) ?? 0) + 1);
    const ended = Object.fromEntries(after.samples.filter((s) => s.name === `${P}sessions_ended_total`).map((s) => [s.labels.reason, s.value]));
    expect(Object.values(ended).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const cache = (name: string, result: string) => sampleValue(after, `${P}cache_lookups_total`, { cache: name, result })!;
    expect(cache('client_record', 'hit') + cache('client_record', 'miss')).toBeGreaterThan(0);
    // The scrape and stats() are two reads; the status-list tracker may look a client up in between.
    const stats = t.app.get(ClientCache).stats();
    expect(stats.misses).toBe(cache('client_record', 'miss'));
    expect(stats.hits).toBeGreaterThanOrEqual(cache('client_record', 'hit'));
    const rescraped = await scrape(t);
    expect(sampleValue(rescraped, `${P}cache_lookups_total`, { cache: 'client_record', result: 'hit' })).toBeGreaterThanOrEqual(stats.hits);
    // The seed client authenticated several times: one scrypt run, then the verified-secret cache.
    expect(cache('client_secret', 'miss')).toBeGreaterThanOrEqual(1);
    expect(cache('client_secret', 'hit')).toBeGreaterThanOrEqual(1);
    expect(t.app.get(ClientAuthenticator).cacheStats()).toEqual({ hits: cache('client_secret', 'hit'), misses: cache('client_secret', 'miss') });
    expect(cache('access_token', 'hit')).toBeGreaterThanOrEqual(1);
    expect(cache('access_token', 'miss')).toBeGreaterThanOrEqual(1);
    expect(t.app.get(TokenSigner).cacheStats()).toEqual({ hits: cache('access_token', 'hit'), misses: cache('access_token', 'miss') });
  });

  it('counts global revocations, with or without live sessions', async () => {
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret-5d1e', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedUser(t, 'gtr-user', 'pw-gtr-1');
    const before = sampleValue(await scrape(t), `${P}global_revocations_total`);
    expect(before).toBe(0);
    for (const id of ['gtr-user', 'gtr-user', 'nobody-at-all']) {
      await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth('gtr', 'gtr-secret-5d1e').send({ sub_id: { format: 'uid', id } }).expect(204);
    }
    // Two revocations of a known user; the unknown one revoked nothing.
    expect(sampleValue(await scrape(t), `${P}global_revocations_total`)).toBe(2);
  });

  it('reports the version it runs as revocation_build_info', async () => {
    const m = await scrape(t);
    const version = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
    expect(m.types[`${P}build_info`]).toBe('gauge');
    expect(sampleValue(m, `${P}build_info`, { version, commit: process.env.BUILD_COMMIT?.trim() || 'unknown', node: process.version })).toBe(1);
  });

  it('reports the notification outbox by status (read at scrape time)', async () => {
    const m = await scrape(t);
    expect(m.types[`${P}notification_outbox`]).toBe('gauge');
    for (const status of ['pending', 'delivered', 'failed']) expect(sampleValue(m, `${P}notification_outbox`, { status })).toBe(0);
  });

  it('counts requests answered 503 for a store outage', async () => {
    const m0 = await scrape(t);
    expect(sampleValue(m0, `${P}store_errors_total`)).toBe(0);
    await t.dataSource.destroy();
    try {
      const res = await request(t.server).get(`${REVOKED_SRIS}/after-outage`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expect(res.status).toBe(503);
      // The scrape still answers; the outbox series are missing until the store is back.
      const m1 = await scrape(t);
      expect(sampleValue(m1, `${P}store_errors_total`)).toBeGreaterThanOrEqual(1);
      expect(sampleValue(m1, `${P}notification_outbox`, { status: 'pending' })).toBeUndefined();
    } finally {
      await t.dataSource.initialize();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ metrics: { token } }); });
  afterAll(async () => { await t.close(); });

  it('answers 401 with a Bearer challenge without the token or with another one', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, `Bearer ${token}x`]) {
      const req = request(t.server).get('/metrics');
      if (auth) req.set('Authorization', auth);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(res.text).not.toContain(`${P}http_requests_total`);
    }
  });

  it('answers the metrics with the token', async () => {
    const m = await scrape(t, token);
    expect(m.types[`${P}revocation_list_size`]).toBe('gauge');
  });
});

describe('GET /metrics with METRICS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ metrics: { enabled: false } }); });
  afterAll(async () => { await t.close(); });

  it('is not served', async () => {
    await request(t.server).get('/metrics').expect(404);
  });
});
