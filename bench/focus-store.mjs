// Focused measurements of two issue-7 targets, much quicker than bench/run.mjs:
//   gtr: global token revocation of a user holding FOCUS_TOKENS tokens and FOCUS_SESSIONS
//        sessions vs one holding 10 tokens and 1 session (medians of FOCUS_REPS calls each,
//        interleaved, a fresh user every call);
//   big: FOCUS_BIG listed SRIs: start-up to the first 200 from /health (median of
//        FOCUS_STARTS restarts), the longest /health round trip while the index loads, resident
//        memory once loaded and after a status-check load.
// Sessions carry sealed SRIs, as this version's sign-ins give them (FOCUS_LEGACY_SRIS=1: random
// SRIs of earlier versions, which a global revocation lists in its own transaction).
// Runs the build in dist/ (npm run build first). SQLite in a temp dir by default;
// DATABASE_URL=postgres://… uses a fresh schema, dropped at the end.
//   node bench/focus-store.mjs [gtr|big|all]
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { installExitHandlers, logTail, memoryOf, startChild, stopAll, stopChild, waitForOutput } from './lib/children.mjs';
import { basic, destroyAgent, form, freePort, request, waitFor200 } from './lib/http.mjs';
import { runLoad } from './lib/load.mjs';
import { openStore } from './lib/store.mjs';
import { median, round } from './lib/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const MODE = process.argv[2] ?? 'all';
const n = (k, d) => (env[k] ? Number(env[k]) : d);
const REPS = n('FOCUS_REPS', 7);
const TOKENS = n('FOCUS_TOKENS', 100_000);
const SESSIONS = n('FOCUS_SESSIONS', 10_000);
const BIG = n('FOCUS_BIG', 1_000_000);
const STARTS = n('FOCUS_STARTS', 3);
const PG = /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '') ? env.DATABASE_URL : null;
const MAIN = join(ROOT, 'dist', 'apps', 'server', 'src', 'main.js');
const GTR = '/jans-auth/restv1/global-token-revocation';
const PF = '/pf-ws/rest/sessionMgmt/revokedSris';
const RS = { id: 'focus-rs', secret: `rs-${randomBytes(12).toString('hex')}` };
const GTRC = { id: 'focus-gtr', secret: `gtr-${randomBytes(12).toString('hex')}` };
const log = (...a) => process.stderr.write(`[focus ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const TMP = mkdtempSync(join(tmpdir(), 'revocation-focus-'));
const schema = PG ? `focus_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}` : null;
const DB = PG ?? `sqlite:${join(TMP, 'store.sqlite')}`;
let port;
let server;

async function start(extra = {}) {
  const t0 = process.hrtime.bigint();
  const child = startChild('server', process.execPath, [...(env.FOCUS_NODE_ARGS ? env.FOCUS_NODE_ARGS.split(' ') : []), '-r', join(ROOT, 'bench', 'lib', 'parent-guard.cjs'), MAIN], {
    env: {
      PATH: env.PATH, HOME: env.HOME ?? TMP, TMPDIR: TMP, NODE_ENV: 'production', ALLOW_PLAINTEXT_KEYS: 'true', LOG_LEVEL: 'log', HOST: '127.0.0.1', PORT: String(port),
      ISSUER: `http://127.0.0.1:${port}`, DATABASE_URL: DB, ...(schema ? { DATABASE_SCHEMA: schema } : {}), ...extra,
    },
    cwd: ROOT,
    logFile: join(TMP, 'server.log'),
  });
  // /health polled back to back: its first 200, then the longest round trip until the index is loaded.
  const ms = await waitFor200(port, '/health', { sinceNs: t0, child, timeoutMs: 120_000, intervalMs: 5 });
  server = child;
  return { ms, child, t0 };
}

/** The longest /health round trip from now until the index logs its load. */
async function healthWhileLoading(child) {
  let worst = 0;
  let calls = 0;
  while (!/Loaded \d+ listed SRIs/.test(child.stdout)) {
    const r = await request(port, 'GET', '/health', { timeoutMs: 60_000 });
    worst = Math.max(worst, r.ms);
    calls++;
    await sleep(5);
  }
  const m = child.stdout.match(/Loaded (\d+) listed SRIs.* in (\d+) ms/);
  return { worstHealthMs: round(worst, 1), healthCalls: calls, loadLogMs: m ? Number(m[2]) : null };
}

const USERS = [];
const LEGACY_SRIS = env.FOCUS_LEGACY_SRIS === '1';
let sris; // the server's SriCodec, with the key it generated in the store
let sealed; // the store's value for true
const sessionRow = (userId, now) => [
  randomUUID(), LEGACY_SRIS ? randomBytes(24).toString('base64url') : sris.seal(userId, now - 60_000), userId, JSON.stringify([RS.id]), 'password',
  now - 60_000, now - 1_000, 8 * 3600, 8 * 3600, LEGACY_SRIS ? sealed(false) : sealed(true),
];
const SESSION_COLS = ['id', 'sri', 'user_id', 'client_ids', 'authn_source', 'created_at', 'last_activity_at', 'idle_timeout', 'max_lifetime', 'sri_sealed'];
const TOKEN_COLS = ['id', 'type', 'client_id', 'user_id', 'session_id', 'scope', 'family_id', 'issued_at', 'expires_at'];

async function seedHoldings(store, userId, tokens, sessions) {
  const now = Date.now();
  const srows = Array.from({ length: sessions }, () => sessionRow(userId, now));
  const trows = [];
  for (let i = 0; i < tokens; i++) {
    const s = srows[i % srows.length];
    const access = i % 2 === 0;
    trows.push([
      access ? randomBytes(18).toString('base64url') : createHash('sha256').update(randomBytes(32)).digest('base64url'),
      access ? 'access_token' : 'refresh_token', RS.id, userId, s[0], 'openid profile', `fam-${s[0]}`, now - 60_000 + i, now + (access ? 3600_000 : 30 * 86400_000),
    ]);
  }
  await store.insertRows('user_session', SESSION_COLS, srows);
  await store.insertRows('issued_token', TOKEN_COLS, trows);
  return srows.map((r) => r[1]);
}

async function phaseGtr() {
  const gtrHeaders = { authorization: basic(GTRC.id, GTRC.secret), 'content-type': 'application/json' };
  const pfHeaders = { authorization: basic(RS.id, RS.secret), 'x-xsrf-header': 'focus' };
  const call = (uid) => request(port, 'POST', GTR, { headers: gtrHeaders, body: { sub_id: { format: 'uid', id: uid } } });
  for (let i = 0; i < 5; i++) await call('warm');
  const out = { small: [], large: [] };
  // The session watermark worker marks the rows after the answer: how long until the last is
  // marked (for the large user), read through a second connection; waited for after every
  // call, so that the next call measures the request alone.
  const store = await openStore(DB, schema);
  const marked = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const size of ['small', 'large']) {
      const u = USERS.find((x) => x.uid === `${size}-${rep}`);
      // Each measured call right after a warm one: whichever came first after the pause below
      // was otherwise ~1 ms slower on SQLite (cold caches), which favoured the small user.
      await call('warm');
      const sent = Date.now();
      const r = await call(u.uid);
      if (r.status !== 204) throw new Error(`global revocation answered ${r.status} ${r.text}`);
      out[size].push(r.ms);
      // The user's SRIs must answer as listed afterwards (first, last).
      for (const sri of [u.sris[0], u.sris[u.sris.length - 1]]) {
        const g = await request(port, 'GET', `${PF}/${encodeURIComponent(sri)}?updateActivityTime=false`, { headers: pfHeaders });
        if (g.status !== 200) throw new Error(`SRI of a revoked session answered ${g.status} ${g.text}`);
      }
      {
        for (;;) {
          const [{ n }] = await store.query('SELECT COUNT(*) AS n FROM user_session WHERE user_id = ? AND revoked_at IS NULL', [u.id]);
          if (Number(n) === 0) break;
          if (Date.now() - sent > 60_000) throw new Error('sessions not marked within 60 s');
          await sleep(5);
        }
        if (size === 'large') marked.push(Date.now() - sent);
      }
      await sleep(100);
    }
  }
  await store.close();
  const small = median(out.small);
  const large = median(out.large);
  log(`global revocation: 10 tokens/1 session median ${small.toFixed(2)} ms [${out.small.map((x) => x.toFixed(1)).join(' ')}]`);
  log(`global revocation: ${TOKENS} tokens/${SESSIONS} sessions median ${large.toFixed(2)} ms [${out.large.map((x) => x.toFixed(1)).join(' ')}]`);
  log(`ratio ${(large / small).toFixed(2)} × (target ≤ 2 ×, and < 50 ms)`);
  log(`${SESSIONS} sessions marked by the worker within median ${median(marked)} ms of the call [${marked.join(' ')}]`);
  return { smallMs: round(small, 2), largeMs: round(large, 2), ratio: round(large / small, 2), markedMs: median(marked) };
}

async function phaseBig() {
  await stopChild(server, 10_000);
  const store = await openStore(DB, schema);
  const have = await store.count('revoked_sri');
  const now = Date.now();
  const listed = [];
  const rows = [];
  for (let i = have; i < BIG; i++) {
    const sri = randomBytes(24).toString('base64url');
    if (listed.length < 2000) listed.push(sri);
    rows.push([sri, now - 3_600_000 + i, now + 480 * 60_000 - (i % 3_600_000), 'focus-seed']);
  }
  log(`seeding ${rows.length} listed SRIs`);
  await store.insertRows('revoked_sri', ['sri', 'created_at', 'expires_at', 'revoked_by'], rows);
  rows.length = 0;
  await store.close();
  const starts = [];
  let loaded;
  for (let i = 0; i < STARTS; i++) {
    if (server && !server.exited) await stopChild(server, 10_000);
    const { ms, child } = await start();
    const during = await healthWhileLoading(child);
    starts.push(ms);
    loaded = { ...during, memory: memoryOf(child.proc.pid) };
    log(`start ${i + 1}: first 200 from /health after ${ms.toFixed(0)} ms; index load ${during.loadLogMs} ms, longest /health during it ${during.worstHealthMs} ms; ${loaded.memory.rssMiB.toFixed(0)} MiB RSS (peak ${loaded.memory.peakRssMiB.toFixed(0)})`);
  }
  await sleep(1000);
  const afterLoad = memoryOf(server.proc.pid);
  const pfHeaders = { authorization: basic(RS.id, RS.secret), 'x-xsrf-header': 'focus' };
  const requests = [];
  for (let i = 0; i < 1000; i++) {
    const sri = i % 2 === 0 ? listed[i % listed.length] : randomBytes(24).toString('base64url');
    requests.push({ method: 'GET', path: `${PF}/${encodeURIComponent(sri)}?updateActivityTime=false`, headers: pfHeaders });
  }
  const probe = await request(port, 'GET', requests[0].path, { headers: pfHeaders });
  if (probe.status !== 200) throw new Error(`a listed SRI answered ${probe.status} ${probe.text}`);
  const load = await runLoad({ port, requests }, { connections: 50, durationS: n('FOCUS_LOAD_S', 5) });
  const afterLoadRun = memoryOf(server.proc.pid);
  log(`status checks: ${load.rps.toFixed(0)} req/s, codes ${JSON.stringify(load.statusCodes)}`);
  log(`memory: after load ${afterLoad.rssMiB.toFixed(0)} MiB, after the status-check load ${afterLoadRun.rssMiB.toFixed(0)} MiB (peak ${afterLoadRun.peakRssMiB.toFixed(0)} MiB); target < 300 MB`);
  log(`start-up median ${median(starts).toFixed(0)} ms [${starts.map((x) => x.toFixed(0)).join(' ')}]; target < 2000 ms`);
  return { startupMs: round(median(starts), 0), starts, ...loaded, afterLoad, afterLoadRun, rps: round(load.rps, 0) };
}

async function main() {
  installExitHandlers();
  port = await freePort();
  const users = [{ uid: 'warm', sub: 'focus-warm' }];
  for (let rep = 0; rep < REPS; rep++) users.push({ uid: `small-${rep}`, size: 'small' }, { uid: `large-${rep}`, size: 'large' });
  const importPath = join(TMP, 'import.json');
  writeFileSync(importPath, JSON.stringify({
    clients: [
      { client_id: RS.id, client_secret: RS.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['password', 'refresh_token'], scopes: ['openid', 'profile'], session_revocation_api: true, session_management_api: true, redirect_uris: [] },
      { client_id: GTRC.id, client_secret: GTRC.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['global_token_revocation'], redirect_uris: [] },
    ],
    users: users.map((u) => ({ uid: u.uid, sub: `focus-${u.uid}` })),
    feature_flags: { GLOBAL_TOKEN_REVOCATION: true },
  }));
  await start({ IMPORT_FILE: importPath });
  await stopChild(server, 10_000);
  const store = await openStore(DB, schema);
  const [{ value: key }] = await store.query(`SELECT value FROM server_secret WHERE name = 'sri_seal_key'`);
  const { SriCodec } = createRequire(import.meta.url)(join(ROOT, 'dist', 'libs', 'sessions', 'src', 'tracking', 'sri-codec.service.js'));
  sris = new SriCodec({ key: async () => Buffer.from(key, 'base64url') });
  await sris.load();
  sealed = store.bool;
  for (const u of users) {
    const rows = await store.query(`SELECT user_id FROM user_attribute WHERE name = 'uid' AND value = ?`, [u.uid]);
    u.id = rows[0].user_id;
    u.sris = await seedHoldings(store, u.id, u.size === 'large' ? TOKENS : 10, u.size === 'large' ? SESSIONS : 1);
    USERS.push(u);
  }
  await store.close();
  await start();
  const result = { store: PG ? 'postgres' : 'sqlite' };
  if (MODE === 'gtr' || MODE === 'all') result.gtr = await phaseGtr();
  if (MODE === 'big' || MODE === 'all') result.big = await phaseBig();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function cleanup() {
  await stopAll().catch(() => {});
  destroyAgent();
  if (schema) {
    const s = await openStore(PG, null);
    await s.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await s.close();
  }
  if (!env.FOCUS_KEEP) rmSync(TMP, { recursive: true, force: true });
}

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (err) => {
    log(`FAILED: ${err?.stack ?? err}`);
    if (server) log(logTail(server, 20));
    await cleanup().catch(() => {});
    process.exit(1);
  },
);
