import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerBuilt, freePort, ServerProcess } from '../support/built-server';

jest.setTimeout(600_000);

/**
 * No acknowledged revocation is lost in a crash. The built server runs as a child process on a
 * temporary SQLite file (synchronous=FULL) or a fresh PostgreSQL schema, seeded by IMPORT_FILE.
 * A stream of revocations (SRIs listed, users revoked globally, RFC 7009 revocations of tokens
 * obtained just before) is cut by SIGKILL at a random moment; after each restart on the same
 * store every revocation that had been answered 201/204/200 must still hold: listed SRIs answer
 * 200, revoked tokens introspect inactive. Control tokens never revoked must still be active,
 * so the check can fail. Afterwards the application log and the audit log are searched for
 * every secret, password and token the run used: none may appear.
 */

const MIN_ACKNOWLEDGED = 1000;
const MIN_KILLS = 4;
const MAX_ROUNDS = 30; // bounded: a busy CI machine acknowledges fewer per round, so it takes more rounds
const WORKERS = 8;
const USERS = 16;

const RP = { client_id: 'dur-rp', client_secret: `rp-${randomBytes(12).toString('hex')}` };
const PF = { client_id: 'dur-pf', client_secret: `pf-${randomBytes(12).toString('hex')}` };
const IDP = { client_id: 'dur-idp', client_secret: `idp-${randomBytes(12).toString('hex')}` };
const WRONG_SECRET = `wrong-${randomBytes(12).toString('hex')}`;
const users = Array.from({ length: USERS }, (_, i) => ({ uid: `dur-user-${i}`, password: `pw-${randomBytes(12).toString('hex')}` }));

const basic = (c: { client_id: string; client_secret: string }) => `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`;
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = 'application/x-www-form-urlencoded';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Acknowledged {
  sris: string[];
  tokens: string[];
  users: { uid: string; accessToken: string; refreshToken: string; sri: string }[];
}

describe(`Durability across SIGKILL (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'revocation-durability-'));
  const logFile = join(dir, 'server.log');
  const auditFile = join(dir, 'runtime-api.log');
  const pg = process.env.TEST_DATABASE_URL;
  const schema = `t_dur_${randomBytes(5).toString('hex')}`;
  let port: number;
  let base: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  /** Every token the run obtained, for the log search. */
  const seenTokens = new Set<string>();

  beforeAll(async () => {
    if (pg && !/\/test(\?|$)/.test(pg)) throw new Error('TEST_DATABASE_URL must name the database test');
    ensureServerBuilt();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const importFile = join(dir, 'provision.json');
    writeFileSync(importFile, JSON.stringify({
      clients: [
        { client_id: RP.client_id, client_secret: RP.client_secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials', 'password', 'refresh_token'], scopes: ['openid', 'profile'] },
        { client_id: PF.client_id, client_secret: PF.client_secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['profile'], session_revocation_api: true },
        { client_id: IDP.client_id, client_secret: IDP.client_secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['global_token_revocation'] },
      ],
      users: users.map((u) => ({ uid: u.uid, password: u.password, attributes: { mail: `${u.uid}@example.com` } })),
    }));
    env = {
      PORT: String(port), HOST: '127.0.0.1', ISSUER: base, LOG_LEVEL: 'verbose', LOG_JSON: 'true', AUDIT_LOG_FILE: auditFile,
      AUDIT_EXTRA_FIELDS: 'request_id,user_agent,note', IMPORT_FILE: importFile,
      ...(pg ? { DATABASE_URL: pg, DATABASE_SCHEMA: schema } : { DATABASE_URL: `sqlite:${join(dir, 'store.sqlite')}` }),
    };
  });

  afterAll(async () => {
    await server?.kill('SIGKILL').catch(() => undefined);
    if (pg) {
      const { Client } = await import('pg');
      const c = new Client({ connectionString: pg });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await c.end(); }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
    const res = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    return { status: res.status, json };
  }

  const api = {
    cc: () => call('POST', '/token', { authorization: basic(RP), 'content-type': FORM }, form({ grant_type: 'client_credentials', scope: 'profile' })),
    login: (u: { uid: string; password: string }) => call('POST', '/token', { authorization: basic(RP), 'content-type': FORM }, form({ grant_type: 'password', username: u.uid, password: u.password, scope: 'openid profile' })),
    revoke: (token: string) => call('POST', '/revoke', { authorization: basic(RP), 'content-type': FORM }, form({ token })),
    introspect: (token: string) => call('POST', '/introspect', { authorization: basic(RP), 'content-type': FORM }, form({ token })),
    listSri: (id: string) => call('POST', '/pf-ws/rest/sessionMgmt/revokedSris', { authorization: basic(PF), 'x-xsrf-header': 'x', 'content-type': 'application/json' }, JSON.stringify({ id })),
    sriStatus: (id: string) => call('GET', `/pf-ws/rest/sessionMgmt/revokedSris/${encodeURIComponent(id)}?updateActivityTime=false`, { authorization: basic(PF), 'x-xsrf-header': 'x' }),
    revokeUser: (uid: string) => call('POST', '/jans-auth/restv1/global-token-revocation', { authorization: basic(IDP), 'content-type': 'application/json' }, JSON.stringify({ sub_id: { format: 'uid', id: uid } })),
  };

  function sriOf(idToken: string): string {
    return JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString())['pi.sri'];
  }

  /** One worker's stream of revocations until `stop()` says so; only answered requests count. */
  type SignedIn = Acknowledged['users'][number];

  /** A password login (a slow scrypt check); undefined when it was not answered 200. */
  async function signIn(u: { uid: string; password: string }): Promise<SignedIn | undefined> {
    const login = await api.login(u);
    if (login.status !== 200) return undefined;
    for (const t of [login.json.access_token, login.json.refresh_token, login.json.id_token]) seenTokens.add(t);
    return { uid: u.uid, accessToken: login.json.access_token, refreshToken: login.json.refresh_token, sri: sriOf(login.json.id_token) };
  }

  /** One worker's stream of revocations until `stop()` says so; only answered requests count. `first` is a user signed in before the round began. */
  async function worker(round: number, w: number, acked: Acknowledged, stop: () => boolean, first?: SignedIn): Promise<void> {
    for (let n = 0; !stop(); n++) {
      try {
        // Workers 0 and 1 revoke users globally (each needs a password login: a slow scrypt check); the others list SRIs and revoke tokens.
        const pick = w < 2 ? 100 : randomInt(100);
        if (pick < 50) {
          const id = `dur-${round}-${w}-${n}-${randomBytes(3).toString('hex')}`;
          if ((await api.listSri(id)).status === 201) acked.sris.push(id);
        } else if (pick < 100) {
          const issued = await api.cc();
          if (issued.status !== 200) continue;
          seenTokens.add(issued.json.access_token);
          if ((await api.revoke(issued.json.access_token)).status === 200) acked.tokens.push(issued.json.access_token);
        } else {
          const entry = n === 0 && first ? first : await signIn(users[(round * WORKERS + w + n) % USERS]);
          if (!entry) continue;
          if ((await api.revokeUser(entry.uid)).status === 204) acked.users.push(entry);
        }
      } catch {
        // The server was killed under this request: it was never acknowledged.
        if (stop()) return;
      }
    }
  }

  /** Checks every acknowledged revocation, a few at a time; returns how many checks ran. */
  async function verify(acked: Acknowledged, controls: string[]): Promise<number> {
    const checks: (() => Promise<void>)[] = [
      ...acked.sris.map((id) => async () => expect([id, (await api.sriStatus(id)).status]).toEqual([id, 200])),
      ...acked.tokens.map((t) => async () => expect((await api.introspect(t)).json).toEqual({ active: false })),
      ...acked.users.flatMap((u) => [
        async () => expect([u.uid, (await api.introspect(u.accessToken)).json]).toEqual([u.uid, { active: false }]),
        async () => expect([u.uid, (await api.introspect(u.refreshToken)).json]).toEqual([u.uid, { active: false }]),
        async () => expect([u.uid, (await api.sriStatus(u.sri)).status]).toEqual([u.uid, 200]),
      ]),
      ...controls.map((t) => async () => expect((await api.introspect(t)).json.active).toBe(true)),
    ];
    for (let i = 0; i < checks.length; i += 16) await Promise.all(checks.slice(i, i + 16).map((c) => c()));
    return checks.length;
  }

  it(`keeps every acknowledged revocation through ${MIN_KILLS}+ SIGKILLs (at least ${MIN_ACKNOWLEDGED}), and no secret reaches a log`, async () => {
    const acked: Acknowledged = { sris: [], tokens: [], users: [] };
    const controls: string[] = [];
    const total = () => acked.sris.length + acked.tokens.length + acked.users.length;
    let kills = 0;
    let checks = 0;
    let sinceLastKill: Acknowledged = { sris: [], tokens: [], users: [] };
    for (let round = 0; round < MAX_ROUNDS && (kills < MIN_KILLS || total() < MIN_ACKNOWLEDGED); round++) {
      server = await ServerProcess.start(round === 0 ? env : { ...env, IMPORT_FILE: '' }, logFile, base);
      // What the last kill interrupted; everything from every round is checked again at the end.
      if (round > 0) checks += await verify(sinceLastKill, controls);
      const before = { sris: acked.sris.length, tokens: acked.tokens.length, users: acked.users.length };
      // Control tokens, never revoked, and a failed authentication whose secret must not be logged.
      const control = await api.cc();
      expect(control.status).toBe(200);
      controls.push(control.json.access_token);
      seenTokens.add(control.json.access_token);
      expect((await call('POST', '/introspect', { authorization: basic({ ...RP, client_secret: WRONG_SECRET }), 'content-type': FORM }, form({ token: control.json.access_token }))).status).toBe(401);

      // A global revocation needs a password login first: the two global workers' first logins,
      // and the check of the revoking client's secret (a revocation of no one), come before the
      // kill timer starts, so a round acknowledges global revocations however busy the machine.
      const first = await Promise.all([0, 1].map((w) => signIn(users[(round * WORKERS + w) % USERS])));
      expect((await api.revokeUser('dur-nobody')).status).toBe(204);

      let stopped = false;
      const workers = Array.from({ length: WORKERS }, (_, w) => worker(round, w, acked, () => stopped, first[w]));
      await sleep(randomInt(1200, 3200));
      await server.kill('SIGKILL');
      stopped = true;
      kills += 1;
      await Promise.all(workers);
      server = undefined;
      sinceLastKill = { sris: acked.sris.slice(before.sris), tokens: acked.tokens.slice(before.tokens), users: acked.users.slice(before.users) };
    }

    // The last restart: every acknowledged revocation, from every round, still in force.
    server = await ServerProcess.start({ ...env, IMPORT_FILE: '' }, logFile, base);
    checks += await verify(acked, controls);
    await server.kill('SIGTERM');
    server = undefined;

    process.stdout.write(`durability (${pg ? 'PostgreSQL' : 'SQLite'}): ${total()} revocations acknowledged (${acked.sris.length} SRIs listed, ${acked.tokens.length} RFC 7009, ${acked.users.length} global) over ${kills} SIGKILLs; ${checks} checks after restarts, all held; ${controls.length} control tokens still active\n`);
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(total()).toBeGreaterThanOrEqual(MIN_ACKNOWLEDGED);
    expect(acked.users.length).toBeGreaterThan(0);

    // No secret, password or token in the application log or the audit log.
    const logs = [readFileSync(logFile, 'utf8'), ...readdirSync(dir).filter((f) => f.startsWith('runtime-api')).map((f) => readFileSync(join(dir, f), 'utf8'))];
    expect(logs[0]).toMatch(/Listening on/);
    expect(logs.length).toBeGreaterThan(1);
    const secrets = [RP.client_secret, PF.client_secret, IDP.client_secret, WRONG_SECRET, ...users.map((u) => u.password), ...seenTokens];
    const leaked = secrets.filter((s) => logs.some((log) => log.includes(s)));
    expect(leaked).toEqual([]);
    // Nor their Basic encodings.
    expect(logs.filter((log) => [RP, PF, IDP].some((c) => log.includes(basic(c).slice(6))))).toEqual([]);
  });
});
