import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { IntrospectionService, TokenRevocationService } from '@app/oauth';
import { RevocationListService } from '@app/session-mgmt';
import { ClientFixture, seedClient, seedUser } from '../support/fixtures';
import { describeWith, postgresRequirement } from '../support/requirements';
import { login } from '../support/session-mgmt';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

const RP: ClientFixture = { client_id: 'rp', client_secret: 'rp-secret-F4', scopes: ['openid', 'profile'] };
const PF: ClientFixture = { client_id: 'pf', client_secret: 'pf-secret-F4', session_revocation_api: true };
const IDP: ClientFixture = { client_id: 'idp', client_secret: 'idp-secret-F4', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] };
const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';
const GTR = '/jans-auth/restv1/global-token-revocation';

type Res = request.Response;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DETECTION_MS = 250;

const api = (t: TestApp) => ({
  cc: () => request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'profile' }),
  introspect: (token: string) => request(t.server).post('/introspect').auth(RP.client_id, RP.client_secret).type('form').send({ token }),
  revoke: (token: string) => request(t.server).post('/revoke').auth(RP.client_id, RP.client_secret).type('form').send({ token }),
  listSri: (id: string) => request(t.server).post(REVOKED_SRIS).auth(PF.client_id, PF.client_secret).set('X-XSRF-HEADER', 'x').send({ id }),
  sriStatus: (id: string) => request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(id)}?updateActivityTime=false`).auth(PF.client_id, PF.client_secret).set('X-XSRF-HEADER', 'x'),
  revokeUser: (uid: string) => request(t.server).post(GTR).auth(IDP.client_id, IDP.client_secret).send({ sub_id: { format: 'uid', id: uid } }),
  health: () => request(t.server).get('/health'),
});

/** A 503 as the API promises it: Retry-After, JSON in the route's error shape, nothing internal. */
function expectUnavailable(res: Res, shape: 'oauth' | 'pingfederate' = 'oauth'): void {
  expect(res.status).toBe(503);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  if (shape === 'oauth') expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
  else expect(res.body).toEqual({ resultId: 'temporarily_unavailable', message: expect.any(String) });
  expect(res.text).not.toMatch(/ECONN|terminated|SQLITE|pg|at \//i);
}

async function seed(t: TestApp): Promise<void> {
  await Promise.all([RP, PF, IDP].map((c) => seedClient(t, c)));
  await Promise.all(['alice', 'bob', 'carol'].map((uid) => seedUser(t, uid, `${uid}-password-F4`)));
}

const pg = process.env.TEST_DATABASE_URL;

(pg ? describe : describe.skip)('PostgreSQL cut during traffic (TCP proxy between the server and 127.0.0.1:5432)', () => {
  let proxy: TcpProxy;
  let a: TestApp;
  /** A second instance on the same schema, straight to PostgreSQL: it writes while `a` is cut off. */
  let b: TestApp;

  beforeAll(async () => {
    const url = new URL(pg!);
    proxy = await TcpProxy.start(Number(url.port || 5432), url.hostname);
    const proxied = new URL(pg!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // Two applications in one process: `a`'s Basic authentications must go through `a`'s own
    // store (each runs its own passport strategy instance). `b` acts through its services.
    b = await startTestApp();
    a = await startTestApp({ store: { databaseUrl: proxied.toString(), databaseSchema: b.config.store?.databaseSchema } });
    await seed(a);
  });

  afterAll(async () => {
    await proxy?.restore();
    await a?.close();
    await proxy?.close();
    await b?.close();
  });

  it('answers 503 with Retry-After while the store is away, never active:true, recovers by itself, loses nothing acknowledged', async () => {
    const A = api(a);
    const B = {
      revoke: (token: string) => b.app.get(TokenRevocationService).revoke(RP.client_id, token),
      listSri: (sri: string) => b.app.get(RevocationListService).revoke(sri, PF.client_id),
      isListed: (sri: string) => b.app.get(RevocationListService).isRevoked(sri, false),
      introspect: (token: string) => b.app.get(IntrospectionService).introspect(token),
    };
    const keep = (await A.cc()).body.access_token as string;
    const revokedElsewhere = (await A.cc()).body.access_token as string;
    const alice = await login(a, RP, 'alice', 'alice-password-F4');
    const bob = await login(a, RP, 'bob', 'bob-password-F4');
    expect((await A.introspect(keep)).body.active).toBe(true);

    // Background traffic on `a` for the whole test: every answer is recorded with when it was asked.
    const acknowledged: { sris: string[]; tokens: string[] } = { sris: [], tokens: [] };
    const answers: { at: number; kind: string; res: Res }[] = [];
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const at = Date.now();
        const sri = `fault-${i}-${randomBytes(4).toString('hex')}`;
        const results = await Promise.all([
          A.introspect(keep).then((res) => ({ kind: 'introspect', res })),
          A.listSri(sri).then((res) => ({ kind: 'listSri', res })),
          A.cc().then(async (res) => {
            if (res.status !== 200) return { kind: 'token', res };
            const r = await A.revoke(res.body.access_token);
            if (r.status === 200) acknowledged.tokens.push(res.body.access_token);
            return { kind: 'revoke', res: r };
          }),
        ]);
        for (const r of results) answers.push({ at, ...r });
        if (results[1].res.status === 201) acknowledged.sris.push(sri);
        await sleep(50);
      }
    })();

    await sleep(1500);
    await proxy.cut();
    // An instance notices within a few polls of its revocation feed (50 ms each) that it cannot
    // read the store; from then on nothing may be answered from memory.
    const cutAt = Date.now() + DETECTION_MS;
    await sleep(DETECTION_MS);
    // While `a` cannot reach the store, `b` revokes a token and lists alice's session.
    await B.revoke(revokedElsewhere);
    await B.listSri(alice.sri);

    // Every endpoint that needs the store, in its own error shape.
    expectUnavailable(await A.introspect(keep));
    expectUnavailable(await A.introspect(revokedElsewhere));
    expectUnavailable(await A.introspect(alice.accessToken));
    expectUnavailable(await A.cc());
    expectUnavailable(await A.revoke(bob.accessToken));
    expectUnavailable(await A.listSri('during-outage'), 'pingfederate');
    expectUnavailable(await A.sriStatus(alice.sri), 'pingfederate');
    expectUnavailable(await A.revokeUser('carol'));
    expect((await A.health()).status).toBe(503);
    await sleep(1500);

    await proxy.restore();
    const restoredAt = Date.now();
    let recoveredAt = 0;
    while (Date.now() - restoredAt < 15_000) {
      const res = await A.introspect(keep);
      if (res.status === 200) {
        recoveredAt = Date.now();
        break;
      }
      expect(res.status).toBe(503);
      await sleep(100);
    }
    // Traffic goes on for a while after recovery, then stops.
    await sleep(1000);
    stop = true;
    await traffic;
    expect(recoveredAt).toBeGreaterThan(0);
    const recoveryMs = recoveredAt - restoredAt;
    expect(recoveryMs).toBeLessThan(10_000);

    // Fail closed: nothing asked after the cut and before recovery was reported active, and no
    // answer at all was a 5xx other than 503.
    const during = answers.filter((x) => x.at >= cutAt && x.at < restoredAt);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((x) => x.kind === 'introspect' && x.res.body?.active === true)).toEqual([]);
    for (const x of answers) {
      expect(x.res.status === 503 || x.res.status < 500).toBe(true);
      if (x.res.status === 503) expect(Number(x.res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(during.some((x) => x.res.status === 503)).toBe(true);

    // After recovery `a` sees what `b` did while it was cut off, and its own answers hold.
    expect((await A.health()).status).toBe(200);
    expect((await A.introspect(revokedElsewhere)).body).toEqual({ active: false });
    expect((await A.introspect(alice.accessToken)).body).toEqual({ active: false });
    expect((await A.sriStatus(alice.sri)).status).toBe(200);
    expect((await A.introspect(bob.accessToken)).body.active).toBe(true);
    expect((await A.revokeUser('carol')).status).toBe(204);
    expect((await A.listSri('after-outage')).status).toBe(201);

    // Nothing acknowledged by `a`, before, during or after the cut, is lost: `b` sees it all.
    expect(acknowledged.sris.length).toBeGreaterThan(0);
    for (const sri of acknowledged.sris) expect(await B.isListed(sri)).toBe(true);
    for (const token of acknowledged.tokens) expect(await B.introspect(token)).toEqual({ active: false });
    process.stdout.write(`store-faults (PostgreSQL): ${answers.length} answers during traffic, ${during.length} asked while cut (${during.filter((x) => x.res.status === 503).length} × 503), recovered ${recoveryMs} ms after the store came back; ${acknowledged.sris.length} SRIs and ${acknowledged.tokens.length} token revocations acknowledged, all in force\n`);
  });
});

/** Runs statements on TEST_DATABASE_URL's server as its (superuser) role, one connection each time. */
async function asAdmin(...statements: string[]): Promise<unknown[]> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: pg });
  await c.connect();
  try {
    const rows: unknown[] = [];
    for (const sql of statements) rows.push(...(await c.query(sql)).rows);
    return rows;
  } finally {
    await c.end();
  }
}

/** What a new connection to `url` fails with (undefined: it connected). */
async function connectionRefusal(url: URL): Promise<{ code?: string } | undefined> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: url.toString() });
  c.on('error', () => undefined);
  return c.connect().then(() => c.end().then(() => undefined), (err: { code?: string }) => err);
}

/** Every endpoint that needs the store, in its own error shape: 503 with Retry-After, never a 500. */
async function expectEveryEndpointUnavailable(t: TestApp, token: string): Promise<void> {
  const A = api(t);
  expectUnavailable(await A.introspect(token));
  expectUnavailable(await A.cc());
  expectUnavailable(await A.revoke(token));
  expectUnavailable(await A.listSri('while-refused'), 'pingfederate');
  expectUnavailable(await A.sriStatus('while-refused'), 'pingfederate');
  expectUnavailable(await A.revokeUser('carol'));
  expect((await A.health()).status).toBe(503);
}

const postgres = postgresRequirement();

describeWith(postgres, 'PostgreSQL refusing the server\'s connections (SQLSTATE 28000, 3D000): 503 with Retry-After, as for an outage', () => {
  it('a role that may no longer log in (28000): 503 everywhere while refused, recovers once it may again', async () => {
    let t: TestApp | undefined;
    const role = `t_role_${randomBytes(5).toString('hex')}`;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const database = new URL(postgres.url!).pathname.slice(1);
    await asAdmin(`CREATE ROLE "${role}" LOGIN`, `GRANT CREATE ON DATABASE "${database}" TO "${role}"`, `CREATE SCHEMA "${schema}" AUTHORIZATION "${role}"`);
    try {
      const asRole = new URL(postgres.url!);
      asRole.username = role;
      t = await startTestApp({ store: { databaseUrl: asRole.toString(), databaseSchema: schema } });
      await seed(t);
      const A = api(t);
      const token = (await A.cc()).body.access_token as string;
      expect((await A.introspect(token)).body.active).toBe(true);

      // The operator takes the role's login away and ends its sessions: every new connection is refused.
      await asAdmin(`ALTER ROLE "${role}" NOLOGIN`, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
      expect(await connectionRefusal(asRole)).toMatchObject({ code: '28000' });
      // Past the pool's terminated connections and the revocation index's trust in its memory.
      await sleep(DETECTION_MS);
      await expectEveryEndpointUnavailable(t, token);

      await asAdmin(`ALTER ROLE "${role}" LOGIN`);
      const restoredAt = Date.now();
      let res = await A.introspect(token);
      while (res.status !== 200 && Date.now() - restoredAt < 10_000) {
        expectUnavailable(res);
        await sleep(100);
        res = await A.introspect(token);
      }
      expect(res.body.active).toBe(true);
      expect((await A.revoke(token)).status).toBe(200);
      expect((await A.introspect(token)).body).toEqual({ active: false });
    } finally {
      await t?.close();
      await asAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, `DROP OWNED BY "${role}"`, `DROP ROLE "${role}"`);
    }
  });

  it('a database that no longer exists (3D000): 503 everywhere', async () => {
    let t: TestApp | undefined;
    const database = `test_gone_${randomBytes(5).toString('hex')}`;
    await asAdmin(`CREATE DATABASE "${database}"`);
    try {
      const gone = new URL(postgres.url!);
      gone.pathname = `/${database}`;
      t = await startTestApp({ store: { databaseUrl: gone.toString(), databaseSchema: undefined } });
      await seed(t);
      const token = (await api(t).cc()).body.access_token as string;

      await asAdmin(`DROP DATABASE "${database}" WITH (FORCE)`);
      expect(await connectionRefusal(gone)).toMatchObject({ code: '3D000' });
      await sleep(DETECTION_MS);
      await expectEveryEndpointUnavailable(t, token);
    } finally {
      await t?.close();
      await asAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });
});

/**
 * Another process (a backup, the sqlite3 shell, the admin CLI) holds the write lock on the file
 * for `ms` milliseconds. Resolves once the lock is held; `done` resolves when it is released.
 */
async function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return { done };
}

(pg ? describe.skip : describe)('SQLite file locked by another process', () => {
  let t: TestApp;
  let file: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seed(t);
    file = t.config.store!.databaseUrl!.slice('sqlite:'.length);
  });
  afterAll(() => t?.close());

  it('a lock released within busy_timeout (5 s) only delays a write: acknowledged, and in force', async () => {
    const T = api(t);
    const lock = await holdWriteLock(file, 1_000);
    const started = Date.now();
    const res = await T.listSri('delayed');
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    await lock.done;
    expect((await T.sriStatus('delayed')).status).toBe(200);
  });

  it('a lock held past busy_timeout: the write is 503 with Retry-After and not acknowledged; writes work again once it is released', async () => {
    const T = api(t);
    const keep = (await T.cc()).body.access_token as string;
    const lock = await holdWriteLock(file, 7_000);
    // better-sqlite3 waits busy_timeout for the lock, synchronously, then gives up.
    const res = await T.listSri('while-locked');
    expectUnavailable(res, 'pingfederate');
    // Reads do not need the lock (WAL): introspection still checks, and answers truly.
    expect((await T.introspect(keep)).body.active).toBe(true);
    await lock.done;
    expect((await T.sriStatus('while-locked')).status).toBe(404);
    expect((await T.listSri('after-lock')).status).toBe(201);
    expect((await T.sriStatus('after-lock')).status).toBe(200);
    expect((await T.revoke(keep)).status).toBe(200);
    expect((await T.introspect(keep)).body).toEqual({ active: false });
  });
});
