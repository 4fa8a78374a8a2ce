import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { OPENAPI_ISSUER } from '../apps/server/src/openapi/write-openapi';
import { startTestApp, TestApp } from './support/test-app';

/** openapi.json, committed for client generators and reviews, is what the server serves: `npm run openapi` rewrites it. */
describe('openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ http: { issuer: OPENAPI_ISSUER } }); });
  afterAll(async () => { await t.close(); });

  it('is the document /docs-json serves (run `npm run openapi` after changing an endpoint)', async () => {
    const served = (await request(t.server).get('/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
  });
});
