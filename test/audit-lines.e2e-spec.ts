import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CanActivate, Controller, Get, Injectable, Module, UseGuards, UseInterceptors } from '@nestjs/common';
import request from 'supertest';
import { Audited, AuditInterceptor, AuditModule, AuditRecorder, splitAuditLine } from '@app/audit';
import { Public } from '@app/auth';
import { seedClient } from './support/fixtures';
import { startHostApp } from './support/host-app';
import { startTestApp, TestApp } from './support/test-app';

/** Who wrote a line: the interceptor (the request reached a handler) or the response hook (it did not). */
type Writer = 'interceptor' | 'hook';

/** The audit file's lines, each as [status, request id] (AUDIT_EXTRA_FIELDS=request_id). */
function linesOf(file: string): { status: string; id: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const fields = splitAuditLine(line);
    expect(fields).toHaveLength(8);
    return { status: fields[6], id: fields[7] };
  });
}

/** Waits (bounded) until every id has a line, then a little longer so a second line would show too. */
async function settled(file: string, ids: string[]): Promise<{ status: string; id: string }[]> {
  const until = Date.now() + 5000;
  while (!ids.every((id) => linesOf(file).some((l) => l.id === id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 150));
  return linesOf(file);
}

/** The request ids each writer was asked to write, from spies on the two writers. */
function writersSpy() {
  const interceptor = jest.spyOn(AuditInterceptor.prototype, 'onResponse');
  const hook = jest.spyOn(AuditRecorder.prototype, 'onResponse');
  return {
    /** The last request the interceptor, or the hook, was asked to write. */
    last: (writer: Writer) => (writer === 'interceptor' ? interceptor : hook).mock.calls.at(-1)?.[0],
    of(id: string): Writer[] {
      return [
        ...interceptor.mock.calls.filter(([req]) => req.id === id).map((): Writer => 'interceptor'),
        ...hook.mock.calls.filter(([req]) => req.id === id).map((): Writer => 'hook'),
      ];
    },
  };
}

const RP = { client_id: 'rp1', client_secret: 'rp1-secret-7f3a9c' };
const ADMIN = { client_id: 'ops-admin', client_secret: 'ops-admin-secret-51be02' };
const PF = { client_id: 'pf-client', client_secret: 'pf-secret-e4d2' };
const GTR = { client_id: 'gtr', client_secret: 'gtr-secret-19ce' };
const SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';
const BODY_LIMIT = 4096;

describe('runtime-api audit log: exactly one line per request, whatever its outcome', () => {
  let t: TestApp;
  let dir: string;
  let file: string;
  let writers: ReturnType<typeof writersSpy>;
  let apiToken: string;
  let adminToken: string;

  const pf = () => ({ Authorization: `Basic ${Buffer.from(`${PF.client_id}:${PF.client_secret}`).toString('base64')}`, 'X-XSRF-HEADER': 'PingFederate' });
  const revoke = () => request(t.server).post('/revoke').auth(RP.client_id, RP.client_secret);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-lines-'));
    file = join(dir, 'runtime-api.log');
    t = await startTestApp({ audit: { file, extraFields: ['request_id'] }, http: { bodyLimit: BODY_LIMIT } });
    await seedClient(t, { ...RP, scopes: ['api'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...PF, session_revocation_api: true, grant_types: ['client_credentials'] });
    await seedClient(t, { ...GTR, scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    const token = async (c: typeof RP, scope: string) =>
      (await request(t.server).post('/token').auth(c.client_id, c.client_secret).type('form').send({ grant_type: 'client_credentials', scope }).expect(200)).body.access_token as string;
    apiToken = await token(RP, 'api');
    adminToken = await token(ADMIN, 'admin');
    await request(t.server).post(SRIS).set(pf()).send({ id: 'sri-lines-listed' }).expect(201);
    writers = writersSpy();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** [name, expected status, who writes the line, the call (X-Request-Id is added to it)]. */
  const outcomes: [string, number, Writer, () => request.Test][] = [
    ['200 POST /revoke', 200, 'hook', () => revoke().type('form').send({ token: 'not-a-token' })],
    ['200 GET /admin/clients', 200, 'interceptor', () => request(t.server).get('/admin/clients').set('Authorization', `Bearer ${adminToken}`)],
    ['200 status check of a listed SRI', 200, 'hook', () => request(t.server).get(`${SRIS}/sri-lines-listed`).set(pf())],
    ['201 POST revokedSris', 201, 'hook', () => request(t.server).post(SRIS).set(pf()).send({ id: 'sri-lines-new' })],
    ['204 global token revocation', 204, 'hook', () =>
      request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(GTR.client_id, GTR.client_secret).send({ sub_id: { format: 'uid', id: 'nobody' } })],
    ['400 thrown by the handler (no token)', 400, 'hook', () => revoke().type('form').send({})],
    ['400 from the body parser (malformed JSON)', 400, 'hook', () => revoke().set('Content-Type', 'application/json').send('{"token":')],
    ['400 from a guard (no X-XSRF-HEADER)', 400, 'hook', () => request(t.server).get(`${SRIS}/sri-lines-listed`).auth(PF.client_id, PF.client_secret)],
    ['401 from the client authentication guard', 401, 'hook', () => request(t.server).post('/revoke').auth(RP.client_id, 'wrong-secret').type('form').send({ token: 'x' })],
    ['403 from the scope guard', 403, 'hook', () => request(t.server).get('/admin/clients').set('Authorization', `Bearer ${apiToken}`)],
    ['404 thrown by the handler (unknown client)', 404, 'interceptor', () => request(t.server).get('/admin/clients/nobody').set('Authorization', `Bearer ${adminToken}`)],
    ['404 answered by the handler (SRI not revoked)', 404, 'hook', () => request(t.server).get(`${SRIS}/sri-never`).set(pf())],
    ['404 from the session management fallback handler', 404, 'hook', () => request(t.server).get('/pf-ws/rest/sessionMgmt/nothing/here')],
    ['404 matching no route', 404, 'hook', () => request(t.server).get('/admin/no-such-api')],
    ['405 from the session management fallback handler', 405, 'hook', () => request(t.server).delete(SRIS).set(pf())],
    ['413 from the body parser', 413, 'hook', () => revoke().type('form').send({ token: 'x'.repeat(BODY_LIMIT * 2) })],
    ['415 from the body parser', 415, 'hook', () => revoke().set('Content-Type', 'application/xml').send('<token>x</token>')],
  ];

  it.each(outcomes)('%s: one line, with the status sent, written by the expected writer', async (name, status, writer, call) => {
    const id = `lines-${name.replace(/\W+/g, '-')}`;
    const res = await call().set('X-Request-Id', id);
    expect(res.status).toBe(status);
    expect(res.headers['x-request-id']).toBe(id);
    const lines = (await settled(file, [id])).filter((l) => l.id === id);
    expect(lines).toEqual([{ status: String(status), id }]);
    expect(writers.of(id)).toEqual([writer]);
  });

  it('500 when the store fails under the handler: one line, by the hook (a route without the interceptor)', async () => {
    const jwt = (await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'api' })).body.access_token;
    await t.dataSource.query('ALTER TABLE issued_token RENAME TO issued_token_away');
    try {
      const res = await revoke().set('X-Request-Id', 'lines-500').type('form').send({ token: jwt });
      expect(res.status).toBe(500);
    } finally {
      await t.dataSource.query('ALTER TABLE issued_token_away RENAME TO issued_token');
    }
    expect((await settled(file, ['lines-500'])).filter((l) => l.id === 'lines-500')).toEqual([{ status: '500', id: 'lines-500' }]);
    expect(writers.of('lines-500')).toEqual(['hook']);
  });

  it('no line for the endpoints outside the runtime APIs, though their handlers ran', async () => {
    await request(t.server).post('/introspect').auth(RP.client_id, RP.client_secret).type('form').send({ token: apiToken }).set('X-Request-Id', 'lines-introspect').expect(200);
    await request(t.server).get('/health').set('X-Request-Id', 'lines-health').expect(200);
    const lines = await settled(file, []);
    expect(lines.filter((l) => l.id === 'lines-introspect' || l.id === 'lines-health')).toEqual([]);
    expect(writers.of('lines-introspect')).toEqual(['hook']);
  });

  it('no request id has two lines in the whole file (a request without X-Request-Id gets a UUID)', async () => {
    const ids = (await settled(file, [])).map((l) => l.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

@Injectable()
class Refuse implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** A host's own controller that names the interceptor, on the class and again on one route. */
@Audited()
@Public()
@UseInterceptors(AuditInterceptor)
@Controller('host')
class HostController {
  @Get('ok') @UseInterceptors(AuditInterceptor) ok(): { ok: true } {
    return { ok: true };
  }

  @Get('boom') boom(): never {
    throw new Error('scratch fault');
  }

  @Get('refused') @UseGuards(Refuse) refused(): void {}
}

@Module({ controllers: [HostController], providers: [Refuse] })
class HostModule {}

describe('runtime-api audit log: a host controller with AuditInterceptor of its own', () => {
  let t: TestApp;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-lines-host-'));
    file = join(dir, 'runtime-api.log');
    t = await startHostApp({ config: { audit: { file, extraFields: ['request_id'], paths: [] } }, imports: [AuditModule.forRoot(), HostModule] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one line per request, the interceptor\'s when the handler ran (even when named twice): 200, 500, 403', async () => {
    const intercepts = jest.spyOn(AuditInterceptor.prototype, 'intercept');
    const writers = writersSpy();
    const sent: { id: string; status: number; writer: Writer }[] = [];
    for (const [path, status, writer, interceptions] of [['/host/ok', 200, 'interceptor', 2], ['/host/boom', 500, 'interceptor', 1], ['/host/refused', 403, 'hook', 0]] as const) {
      const before = intercepts.mock.calls.length;
      await request(t.server).get(path).expect(status);
      // Each naming ran on a request that reached the handler; none on one a guard refused.
      expect(intercepts.mock.calls.length - before).toBe(interceptions);
      sent.push({ id: String(writers.last(writer)?.id), status, writer });
    }
    const lines = await settled(file, sent.map((s) => s.id));
    expect(lines).toEqual(sent.map((s) => ({ status: String(s.status), id: s.id })));
    for (const s of sent) expect(writers.of(s.id)).toEqual([s.writer]);
  });
});
