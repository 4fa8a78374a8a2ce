import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { eventually } from './support/eventually';
import { startTestApp, TestApp } from './support/test-app';

describe('GET /health', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it('reports the store as up', async () => {
    const res = await request(t.server).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.store.status).toBe('up');
  });

  it('answers /health/live with the version it runs, and /health/ready when the store and the revocation index are current', async () => {
    const version = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
    const live = await request(t.server).get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', version, commit: expect.any(String) });
    const ready = await request(t.server).get('/health/ready').expect(200);
    expect(ready.body.details).toEqual({ store: { status: 'up' }, revocation_index: { status: 'up' } });
  });

  it('stays live but not ready while the store is down, and ready again once it is back', async () => {
    await t.dataSource.destroy();
    try {
      // The feed follower's next read fails and marks the index stale; readiness follows within a few reads.
      const ready = await eventually(() => request(t.server).get('/health/ready'), (r) => r.body.details?.revocation_index?.status === 'down', 5000);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.details.store.status).toBe('down');
      expect(ready.body.details.revocation_index).toEqual({ status: 'down', message: 'the revocation feed has not been read to its end recently' });
      await request(t.server).get('/health/live').expect(200);
    } finally {
      await t.dataSource.initialize();
    }
    await eventually(() => request(t.server).get('/health/ready'), (r) => r.status === 200, 5000);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await request(t.server).get('/no-such-endpoint').expect(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'No such endpoint.' });
  });

  it('answers malformed JSON with 400 invalid_request and oversized bodies with 413', async () => {
    const bad = await request(t.server).post('/health').set('Content-Type', 'application/json').send('{bad');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    const big = await request(t.server).post('/health').set('Content-Type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('payload_too_large');
  });

  it('keeps the schema under migrations: the migrations table lists the initial schema', async () => {
    const rows = await t.dataSource.query('SELECT name FROM migrations');
    expect(rows.map((r: { name: string }) => r.name)).toContain('InitialSchema1763900000000');
  });
});
