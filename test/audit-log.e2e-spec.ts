import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { splitAuditLine, unescapeField } from '@app/audit';
import { seedClient, seedUser } from './support/fixtures';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { startTestApp, TestApp } from './support/test-app';

/** The seven fields of a runtime-api.log line (docs/audit-log.md), unescaped; `-` gives undefined. */
interface Line { time: string; name?: string; method?: string; ip?: string; httpMethod?: string; path?: string; status?: string; fields: string[] }

function parse(line: string): Line {
  const fields = splitAuditLine(line);
  const [time, name, method, ip, httpMethod, path, status] = fields.map((f) => unescapeField(f));
  return { time: time!, name, method, ip, httpMethod, path, status, fields };
}

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Reads the audit file, waits for the lines a call adds (bounded), and checks nothing else arrives. */
class AuditFile {
  constructor(readonly path: string) {}

  lines(): string[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    if (text === '') return [];
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n');
  }

  /** The lines `call` added; expects exactly `count`. */
  async after(call: () => Promise<unknown>, count = 1): Promise<string[]> {
    const before = this.lines().length;
    await call();
    const until = Date.now() + 5000;
    while (this.lines().length < before + count) {
      if (Date.now() > until) throw new Error(`expected ${count} new audit line(s), got ${this.lines().length - before}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100)); // and no more than that
    const added = this.lines().slice(before);
    expect(added).toHaveLength(count);
    return added;
  }

  /** The single line `call` added, parsed into exactly seven fields. */
  async one(call: () => Promise<unknown>): Promise<Line> {
    const [line] = await this.after(call);
    const parsed = parse(line);
    expect(parsed.fields).toHaveLength(7);
    expect(parsed.time).toMatch(ISO_UTC_MS);
    return parsed;
  }
}

/** Sends bytes as they are, for what an HTTP client library would refuse or encode. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => { data += d.toString('latin1'); });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(Buffer.from(head, 'latin1'));
  });
}

const RP = { client_id: 'rp1', client_secret: 'rp1-secret-7f3a9c' };
const ADMIN = { client_id: 'ops-admin', client_secret: 'ops-admin-secret-51be02' };
const EVIL = { client_id: 'evil|rp\n2030-01-01T00:00:00.000Z|root|bearer|1.1.1.1|POST|/admin|200', client_secret: 'evil-secret-c0ffee' };

describe('runtime-api audit log', () => {
  let t: TestApp;
  let dir: string;
  let audit: AuditFile;
  let port: number;
  let adminToken: string;
  let apiToken: string;
  const secrets: string[] = [RP.client_secret, ADMIN.client_secret, EVIL.client_secret, 'query-secret-5d1e', 'a-password-9q'];

  const basic = (c: { client_id: string; client_secret: string }) =>
    'Basic ' + Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64');
  const clientToken = async (c: { client_id: string; client_secret: string }, scope: string) => {
    const res = await request(t.server).post('/token').set('Authorization', basic(c)).type('form').send({ grant_type: 'client_credentials', scope });
    expect(res.status).toBe(200);
    secrets.push(res.body.access_token);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    // The directory does not exist yet: the sink creates it.
    t = await startTestApp({ audit: { file: join(dir, 'logs', 'runtime-api.log') }, http: { trustProxy: ['127.0.0.1'] } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    audit = new AuditFile(join(dir, 'logs', 'runtime-api.log'));
    await seedClient(t, { ...RP, scopes: ['api'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...EVIL, grant_types: ['client_credentials'] });
    secrets.push(basic(RP).slice(6), basic(ADMIN).slice(6), basic(EVIL).slice(6));
    // Calls of /token are not runtime-API calls: the file stays empty.
    adminToken = await clientToken(ADMIN, 'admin');
    apiToken = await clientToken(RP, 'api');
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing for endpoints outside the runtime APIs', async () => {
    await request(t.server).get('/health');
    await request(t.server).post('/token').set('Authorization', basic(RP)).type('form').send({ grant_type: 'client_credentials' });
    await new Promise((r) => setTimeout(r, 150));
    expect(audit.lines()).toEqual([]);
  });

  it('success: time|client|auth method|ip|POST|/revoke|200, without the query string', async () => {
    const before = Date.now();
    const line = await audit.one(() =>
      request(t.server).post('/revoke?access_token=query-secret-5d1e').set('Authorization', basic(RP)).type('form').send({ token: 'not-a-token' }).expect(200));
    expect(line).toMatchObject({ name: 'rp1', method: 'client_secret_basic', ip: '127.0.0.1', httpMethod: 'POST', path: '/revoke', status: '200' });
    expect(Date.parse(line.time)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(line.time)).toBeLessThanOrEqual(Date.now());
  });

  it('the file is readable by the server\'s user only (0600), and so is the directory it created (0700)', () => {
    expect(statSync(audit.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('client_secret_post is named too', async () => {
    await seedClient(t, { client_id: 'rp-post', client_secret: 'rp-post-secret-aa71', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    secrets.push('rp-post-secret-aa71');
    const line = await audit.one(() =>
      request(t.server).post('/revoke').type('form').send({ token: 'x', client_id: 'rp-post', client_secret: 'rp-post-secret-aa71' }).expect(200));
    expect(line).toMatchObject({ name: 'rp-post', method: 'client_secret_post', status: '200' });
  });

  it('400 from the handler (missing parameter) and from the body parser (malformed JSON)', async () => {
    const missing = await audit.one(() => request(t.server).post('/revoke').set('Authorization', basic(RP)).type('form').send({}).expect(400));
    expect(missing).toMatchObject({ name: 'rp1', method: 'client_secret_basic', path: '/revoke', status: '400' });
    const malformed = await audit.one(() =>
      request(t.server).post('/revoke').set('Authorization', basic(RP)).set('Content-Type', 'application/json').send('{"token":').expect(400));
    // Rejected before any guard ran: nobody is authenticated.
    expect(malformed).toMatchObject({ name: undefined, method: undefined, path: '/revoke', status: '400' });
  });

  it('401 from the guard: no name and no method, whatever client id was presented', async () => {
    const wrong = await audit.one(() =>
      request(t.server).post('/revoke').set('Authorization', basic({ ...RP, client_secret: 'wrong-secret-0b1d' })).type('form').send({ token: 'x' }).expect(401));
    expect(wrong).toMatchObject({ name: undefined, method: undefined, httpMethod: 'POST', path: '/revoke', status: '401' });
    secrets.push('wrong-secret-0b1d');
    const none = await audit.one(() => request(t.server).post('/revoke').type('form').send({ token: 'x' }).expect(401));
    expect(none).toMatchObject({ name: undefined, method: undefined, status: '401' });
    const badToken = await audit.one(() => request(t.server).get('/admin/clients').set('Authorization', 'Bearer not.a.jwt').expect(401));
    expect(badToken).toMatchObject({ name: undefined, method: undefined, httpMethod: 'GET', path: '/admin/clients', status: '401' });
  });

  it('403 from the guard: the authenticated caller lacks the admin scope', async () => {
    const line = await audit.one(() => request(t.server).get('/admin/clients').set('Authorization', `Bearer ${apiToken}`).expect(403));
    expect(line).toMatchObject({ name: 'rp1', method: 'bearer', httpMethod: 'GET', path: '/admin/clients', status: '403' });
  });

  it('admin API: success names the admin client', async () => {
    const line = await audit.one(() => request(t.server).get('/admin/clients?scope=admin').set('Authorization', `Bearer ${adminToken}`).expect(200));
    expect(line).toMatchObject({ name: 'ops-admin', method: 'bearer', httpMethod: 'GET', path: '/admin/clients', status: '200' });
  });

  it('404 from a handler, and for a request that matches no route below an audited path', async () => {
    const unknownClient = await audit.one(() => request(t.server).get('/admin/clients/nobody').set('Authorization', `Bearer ${adminToken}`).expect(404));
    expect(unknownClient).toMatchObject({ name: 'ops-admin', method: 'bearer', path: '/admin/clients/nobody', status: '404' });
    const noRoute = await audit.one(() => request(t.server).get('/admin/no-such-api').expect(404));
    expect(noRoute).toMatchObject({ name: undefined, method: undefined, httpMethod: 'GET', path: '/admin/no-such-api', status: '404' });
    const wrongMethod = await audit.one(() => request(t.server).get('/revoke').expect(404));
    expect(wrongMethod).toMatchObject({ httpMethod: 'GET', path: '/revoke', status: '404' });
  });

  it('415 from the body parser, before any guard', async () => {
    const line = await audit.one(() =>
      request(t.server).post('/revoke').set('Authorization', basic(RP)).set('Content-Type', 'application/xml').send('<token>x</token>').expect(415));
    expect(line).toMatchObject({ name: undefined, method: undefined, path: '/revoke', status: '415' });
  });

  it('500 when the store fails under the handler', async () => {
    const jwt = await clientToken(RP, 'api');
    await t.dataSource.query('ALTER TABLE issued_token RENAME TO issued_token_away');
    try {
      const line = await audit.one(() => request(t.server).post('/revoke').set('Authorization', basic(RP)).type('form').send({ token: jwt }).expect(500));
      expect(line).toMatchObject({ name: 'rp1', method: 'client_secret_basic', path: '/revoke', status: '500' });
    } finally {
      await t.dataSource.query('ALTER TABLE issued_token_away RENAME TO issued_token');
    }
  });

  it('Session Revocation API: 201, 404 (the seed\'s), 403 without the permission, 400 without X-XSRF-HEADER', async () => {
    const PF = { client_id: 'pf-client', client_secret: 'pf-secret-e4d2' };
    await seedClient(t, { ...PF, session_revocation_api: true, grant_types: ['client_credentials'] });
    await seedClient(t, { client_id: 'pf-nope', client_secret: 'pf-nope-secret-8a', grant_types: ['client_credentials'] });
    secrets.push(PF.client_secret, 'pf-nope-secret-8a', basic(PF).slice(6));
    const sris = '/pf-ws/rest/sessionMgmt/revokedSris';
    const pf = (c: { client_id: string; client_secret: string }) => ({ Authorization: basic(c), 'X-XSRF-HEADER': 'PingFederate' });
    const added = await audit.one(() => request(t.server).post(sris).set(pf(PF)).send({ id: 'sri-audit-1' }).expect(201));
    expect(added).toMatchObject({ name: 'pf-client', method: 'client_secret_basic', httpMethod: 'POST', path: sris, status: '201' });
    const notRevoked = await audit.one(() => request(t.server).get(`${sris}/sri-never`).set(pf(PF)).expect(404));
    expect(notRevoked).toMatchObject({ name: 'pf-client', httpMethod: 'GET', path: `${sris}/sri-never`, status: '404' });
    const forbidden = await audit.one(() => request(t.server).get(`${sris}/sri-audit-1`).set(pf({ client_id: 'pf-nope', client_secret: 'pf-nope-secret-8a' })).expect(403));
    expect(forbidden).toMatchObject({ name: 'pf-nope', method: 'client_secret_basic', status: '403' });
    const noXsrf = await audit.one(() => request(t.server).get(`${sris}/sri-audit-1`).set('Authorization', basic(PF)).expect(400));
    expect(noXsrf).toMatchObject({ name: undefined, method: undefined, status: '400' });
  });

  describe('no value forges a field or a line', () => {
    it('through the path: a literal | and an encoded newline stay inside the path field', async () => {
      const path = '/admin/x|2030-01-01T00:00:00.000Z|root|bearer%0A2030-01-01T00:00:00.000Z|root\\';
      const line = await audit.one(() => rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
      expect(line).toMatchObject({ name: undefined, method: undefined, httpMethod: 'GET', path, status: '404' });
      expect(line.fields[5]).toBe('/admin/x\\|2030-01-01T00:00:00.000Z\\|root\\|bearer%0A2030-01-01T00:00:00.000Z\\|root\\\\');
    });

    it('through the client id (the Basic user name) of an authenticated client', async () => {
      const line = await audit.one(() => request(t.server).post('/revoke').set('Authorization', basic(EVIL)).type('form').send({ token: 'x' }).expect(200));
      expect(line).toMatchObject({ name: EVIL.client_id, method: 'client_secret_basic', ip: '127.0.0.1', path: '/revoke', status: '200' });
      expect(line.fields[1]).toBe('evil\\|rp\\n2030-01-01T00:00:00.000Z\\|root\\|bearer\\|1.1.1.1\\|POST\\|/admin\\|200');
      // The same id with a wrong secret is not authenticated: it is not written at all.
      const refused = await audit.one(() =>
        request(t.server).post('/revoke').set('Authorization', basic({ ...EVIL, client_secret: 'nope' })).type('form').send({ token: 'x' }).expect(401));
      expect(refused.name).toBeUndefined();
    });

    it('through X-Forwarded-For from a trusted proxy: the client address is kept, escaped', async () => {
      const xff = '203.0.113.7|root|bearer\t\x85, 127.0.0.1';
      const line = await audit.one(() =>
        rawRequest(port, `POST /revoke HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${basic(RP)}\r\nX-Forwarded-For: ${xff}\r\n` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntoken=x'));
      expect(line).toMatchObject({ name: 'rp1', ip: '203.0.113.7|root|bearer\t\x85', path: '/revoke', status: '200' });
      expect(line.fields[3]).toBe('203.0.113.7\\|root\\|bearer\\t\\x85');
    });

    it('X-Forwarded-For names the client when it comes from the trusted proxy', async () => {
      const line = await audit.one(() =>
        request(t.server).post('/revoke').set('Authorization', basic(RP)).set('X-Forwarded-For', '198.51.100.4, 127.0.0.1').type('form').send({ token: 'x' }).expect(200));
      expect(line.ip).toBe('198.51.100.4');
    });
  });

  it('every line has seven fields, and no secret, token or password is in the file', () => {
    const lines = audit.lines();
    expect(lines.length).toBeGreaterThanOrEqual(18);
    for (const l of lines) {
      expect(splitAuditLine(l)).toHaveLength(7);
      expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|/);
      expect(l).toMatch(/\|\d{3}$/);
    }
    const text = readFileSync(audit.path, 'utf8');
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/Bearer |Basic |eyJ/);
  });
});

describe('runtime-api audit log: extra fields, X-Forwarded-For not trusted, @Audited() routes only', () => {
  let t: TestApp;
  let dir: string;
  let audit: AuditFile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    t = await startTestApp({ audit: { file: join(dir, 'runtime-api.log'), paths: [], extraFields: ['request_id', 'user_agent', 'tls_version', 'note'] }, http: { trustProxy: false } });
    audit = new AuditFile(join(dir, 'runtime-api.log'));
    await seedClient(t, { client_id: 'rp1', client_secret: 'rp1-secret-7f3a9c', grant_types: ['client_credentials'] });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret-19ce', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedUser(t, 'breakfast', 'a-password-9q');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends request id, user agent, TLS version and note after the seven fields; ignores X-Forwarded-For', async () => {
    const [line] = await audit.after(() =>
      request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').set('User-Agent', 'agent|1.0\tbeta').set('X-Forwarded-For', '198.51.100.4')
        .type('form').send({ token: 'x' }).expect(200));
    const fields = splitAuditLine(line);
    expect(fields).toHaveLength(11);
    const base = parse(fields.slice(0, 7).join('|'));
    expect(base).toMatchObject({ name: 'rp1', method: 'client_secret_basic', path: '/revoke', status: '200' });
    expect(base.ip).not.toBe('198.51.100.4');
    expect(base.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(fields[7]).toMatch(/^\S+$/);
    expect(fields[7]).not.toBe('-');
    expect(fields[8]).toBe('agent\\|1.0\\tbeta');
    expect(fields.slice(9)).toEqual(['-', '-']);
  });

  it('global token revocation: the handler\'s note (match count) goes to the note field', async () => {
    const call = (id: string) => () => request(t.server).post('/jans-auth/restv1/global-token-revocation').auth('gtr', 'gtr-secret-19ce')
      .send({ sub_id: { format: 'uid', id } }).expect(204);
    for (const [id, note] of [['breakfast', 'matches=1'], ['nobody', 'matches=0']]) {
      const [line] = await audit.after(call(id));
      const fields = splitAuditLine(line);
      expect(fields).toHaveLength(11);
      expect(parse(fields.slice(0, 7).join('|'))).toMatchObject({ name: 'gtr', method: 'client_secret_basic', httpMethod: 'POST', path: '/jans-auth/restv1/global-token-revocation', status: '204' });
      expect(fields[10]).toBe(note);
    }
  });

  it('without AUDIT_PATHS, the @Audited() mark alone still covers guard and body-parser rejections', async () => {
    const statuses: string[] = [];
    for (const call of [
      () => request(t.server).post('/revoke').auth('rp1', 'wrong').type('form').send({ token: 'x' }).expect(401),
      () => request(t.server).post('/revoke').auth('rp1', 'rp1-secret-7f3a9c').set('Content-Type', 'application/xml').send('<x/>').expect(415),
    ]) {
      const [line] = await audit.after(call);
      statuses.push(splitAuditLine(line)[6]);
    }
    expect(statuses).toEqual(['401', '415']);
    // A request that matches no route is audited only through AUDIT_PATHS, empty here.
    const before = audit.lines().length;
    await request(t.server).get('/revoke').expect(404);
    await new Promise((r) => setTimeout(r, 150));
    expect(audit.lines()).toHaveLength(before);
  });
});

describe('runtime-api audit log: a flood of unauthenticated requests with long paths', () => {
  const ADMIN = { client_id: 'ops-admin', client_secret: 'ops-admin-secret-51be02' };
  const BURST = 300;
  const LONG = 5000;
  let t: TestApp;
  let dir: string;
  let audit: AuditFile;
  let adminToken: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-e2e-flood-'));
    // The default limits (20 lines per address and status, 1000 in all), in a short window.
    t = await startTestApp({ audit: { file: join(dir, 'runtime-api.log'), refusalWindow: 2 } });
    audit = new AuditFile(join(dir, 'runtime-api.log'));
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form')
      .send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes bounded lines, the first refusals of the address and then one suppressed=N line, and every authenticated call', async () => {
    const probe = (i: number) => request(t.server).get(`/admin/${String(i).padStart(4, '0')}${'a'.repeat(LONG)}`).expect(404);
    const half = Array.from({ length: BURST / 2 }, (_, i) => i);
    await Promise.all([
      ...half.map(probe),
      // Authenticated calls in the middle of the burst: a success, and a refusal of a named caller.
      request(t.server).get('/admin/clients').set('Authorization', `Bearer ${adminToken}`).expect(200),
      request(t.server).get('/admin/clients/nobody-in-the-flood').set('Authorization', `Bearer ${adminToken}`).expect(404),
      ...half.map((i) => probe(BURST / 2 + i)),
    ]);

    const summary = /^[^|]+\|-\|-\|[^|]*127\.0\.0\.1\|-\|suppressed=(\d+)\|404$/;
    const until = Date.now() + 10_000;
    while (!audit.lines().some((l) => summary.test(l)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const lines = audit.lines();

    for (const l of lines) {
      expect(splitAuditLine(l)).toHaveLength(7);
      expect(l.length).toBeLessThan(1000);
    }
    const probes = lines.map(parse).filter((l) => l.httpMethod === 'GET' && l.name === undefined && l.status === '404');
    const summaries = lines.filter((l) => summary.test(l));
    const suppressed = summaries.reduce((n, l) => n + Number(summary.exec(l)![1]), 0);
    // 20 per window (the burst most likely fits in one), the rest counted.
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(probes.length).toBeLessThanOrEqual(20 * summaries.length);
    expect(probes.length + suppressed).toBe(BURST);
    for (const p of probes) expect(p.fields[5]).toMatch(/^\/admin\/\d{4}a+…#sha256:[0-9a-f]{16}$/);
    expect(new Set(probes.map((p) => p.fields[5])).size).toBe(probes.length);
    expect(lines.map(parse).filter((l) => l.name === 'ops-admin').map((l) => [l.path, l.status]))
      .toEqual(expect.arrayContaining([['/admin/clients', '200'], ['/admin/clients/nobody-in-the-flood', '404']]));
    expect(lines.filter((l) => l.includes('|ops-admin|'))).toHaveLength(2);
    // About 600 bytes a line instead of 5,000: the burst wrote a few KB.
    expect(readFileSync(audit.path).length).toBeLessThan(25 * 600);
    const metrics = parsePrometheus((await request(t.server).get('/metrics').expect(200)).text);
    expect(sampleValue(metrics, 'revocation_audit_lines_not_written_total', { reason: 'suppressed' })).toBe(suppressed);
    expect(sampleValue(metrics, 'revocation_audit_lines_not_written_total', { reason: 'dropped' })).toBe(0);
  });
});
