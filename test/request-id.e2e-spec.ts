import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { splitAuditLine } from '@app/audit';
import { seedClient } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request id (X-Request-Id)', () => {
  let t: TestApp;
  let dir: string;
  const auditLines = (): string[] => readFileSync(join(dir, 'runtime-api.log'), 'utf8').split('\n').filter(Boolean);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'request-id-e2e-'));
    t = await startTestApp({ audit: { file: join(dir, 'runtime-api.log'), extraFields: ['request_id'] } });
    await seedClient(t, { client_id: 'rp1', client_secret: 'rp1-secret-7f3a9c', grant_types: ['client_credentials'] });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a generated UUID, different for each request, on success and on errors of every origin', async () => {
    const ids = new Set<string>();
    for (const call of [
      () => request(t.server).get('/health').expect(200),
      () => request(t.server).get('/no/such/endpoint').expect(404),
      () => request(t.server).post('/revoke').auth('rp1', 'wrong').type('form').send({ token: 'x' }).expect(401),
      () => request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').set('Content-Type', 'application/json').send('{not json').expect(400),
    ]) {
      const res = await call();
      expect(res.headers['x-request-id']).toMatch(UUID);
      ids.add(res.headers['x-request-id']);
    }
    expect(ids.size).toBe(4);
  });

  it('keeps a sane X-Request-Id from the caller and replaces one that is too long or not visible ASCII', async () => {
    const sane = 'trace-01HZX8K3Q9|proxy:edge-7';
    expect((await request(t.server).get('/health').set('X-Request-Id', sane)).headers['x-request-id']).toBe(sane);
    const max = 'r'.repeat(128);
    expect((await request(t.server).get('/health').set('X-Request-Id', max)).headers['x-request-id']).toBe(max);
    for (const bad of ['r'.repeat(129), 'has space', 'caf\u00e9']) {
      const res = await request(t.server).get('/health').set('X-Request-Id', bad);
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
  });

  it('writes the same id to the audit line\'s request_id field', async () => {
    const before = auditLines().length;
    const res = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').set('X-Request-Id', 'audit-corr-42').type('form').send({ token: 'x' }).expect(200);
    expect(res.headers['x-request-id']).toBe('audit-corr-42');
    const generated = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').type('form').send({ token: 'y' }).expect(200);
    const until = Date.now() + 5000;
    while (auditLines().length < before + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const [first, second] = auditLines().slice(before).map((l) => splitAuditLine(l));
    expect(first[7]).toBe('audit-corr-42');
    expect(second[7]).toBe(generated.headers['x-request-id']);
  });

  it('writes the id to the application log of an unexpected error (here, a store outage)', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    await t.dataSource.destroy();
    try {
      const res = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').set('X-Request-Id', 'outage-corr-9').type('form').send({ token: 'x' });
      expect(res.status).toBe(503);
      expect(res.headers['x-request-id']).toBe('outage-corr-9');
      expect(logged.mock.calls.some(([message]) => String(message).includes('[request_id=outage-corr-9]'))).toBe(true);
    } finally {
      logged.mockRestore();
      await t.dataSource.initialize();
    }
  });
});
