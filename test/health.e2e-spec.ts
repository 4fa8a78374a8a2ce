import request from 'supertest';
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
