#!/usr/bin/env node
// `npm run soak`: a bounded soak of the built server on loopback. 100+ connections for a fixed
// duration drive a mix of token issuance, introspection, SRI revocation and status checks, and
// global revocations; the run reports every status code (zero 5xx wanted), whether the server
// stayed up, and its resident memory over time (flat after warm-up wanted). It stops by itself.
// Not part of `npm test`. See docs/reliability.md.
import { randomBytes, randomInt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { installExitHandlers, logTail, memoryOf, startChild, stopChild } from './lib/children.mjs';
import { basic, destroyAgent, form, freePort, request, waitFor200 } from './lib/http.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const num = (name, dflt, min = 1) => {
  if (env[name] === undefined || env[name] === '') return dflt;
  const v = Number(env[name]);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number >= ${min}`);
  return v;
};

const CFG = {
  durationS: num('SOAK_DURATION', 180, 10),
  connections: num('SOAK_CONNECTIONS', 120, 10),
  sampleS: num('SOAK_SAMPLE_INTERVAL', 5),
  warmupS: num('SOAK_WARMUP', 0, 0) || undefined,
  /** Largest resident memory growth tolerated after warm-up, in MiB. */
  maxGrowthMiB: num('SOAK_MAX_RSS_GROWTH', 40),
  databaseUrl: /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '') ? env.DATABASE_URL : null,
  report: env.SOAK_REPORT ? resolve(env.SOAK_REPORT) : join(ROOT, 'bench', 'out', 'soak.json'),
};
// The first third fills the revocation list (a bounded id space) and the caches.
CFG.warmupS ??= Math.min(90, Math.round(CFG.durationS / 3));
// A bounded heap, so resident memory shows live data rather than a V8 heap grown lazily because
// it may: a leak then shows as growth, or as an out-of-memory crash. SOAK_NODE_OPTIONS= (empty) for none.
const SERVER_NODE_OPTIONS = env.SOAK_NODE_OPTIONS ?? '--max-old-space-size=256';

const PF = '/pf-ws/rest/sessionMgmt/revokedSris';
const GTR = '/jans-auth/restv1/global-token-revocation';
const RP = { id: 'soak-rp', secret: `rp-${randomBytes(12).toString('hex')}` };
const PFC = { id: 'soak-pf', secret: `pf-${randomBytes(12).toString('hex')}` };
const IDP = { id: 'soak-idp', secret: `idp-${randomBytes(12).toString('hex')}` };
const USERS = Array.from({ length: 40 }, (_, i) => ({ uid: `soak-user-${i}`, password: `pw-${randomBytes(8).toString('hex')}` }));
/** SRI ids are drawn from a bounded space, so the list (and memory) reaches a plateau: re-listing renews. */
const SRI_SPACE = 20_000;
const FORM = 'application/x-www-form-urlencoded';

/** The share of connections each kind of traffic gets. */
const MIX = [
  ['token issuance (client_credentials)', 0.15],
  ['introspection', 0.35],
  ['SRI revocation (POST revokedSris)', 0.15],
  ['SRI status (GET revokedSris/{id})', 0.25],
  ['global token revocation', 0.10],
];

function log(msg) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} soak: ${msg}\n`);
}

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const main = join(ROOT, 'dist', 'apps', 'server', 'src', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')))) return main;
  log('building the server (nest build server)…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'server'], { cwd: ROOT, stdio: 'inherit' });
  return main;
}

/** One autocannon load whose every request is made by `make()`; loopback only, bounded in time. */
function load(port, connections, make) {
  const first = make();
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    duration: CFG.durationS,
    timeout: 10,
    requests: [{ ...first, setupRequest: (req) => ({ ...req, ...make() }) }],
  });
}

function linearSlope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main() {
  installExitHandlers();
  const main = ensureBuilt();
  const tmp = mkdtempSync(join(tmpdir(), 'revocation-soak-'));
  const port = await freePort();
  const importFile = join(tmp, 'provision.json');
  writeFileSync(importFile, JSON.stringify({
    clients: [
      { client_id: RP.id, client_secret: RP.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials', 'password', 'refresh_token'], scopes: ['openid', 'profile'] },
      { client_id: PFC.id, client_secret: PFC.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['profile'], session_revocation_api: true },
      { client_id: IDP.id, client_secret: IDP.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['global_token_revocation'] },
    ],
    users: USERS.map((u) => ({ uid: u.uid, password: u.password })),
  }));
  const schema = `soak_${randomBytes(4).toString('hex')}`;
  const serverEnv = {
    PATH: env.PATH, NODE_ENV: 'production', ALLOW_PLAINTEXT_KEYS: 'true', PORT: String(port), ...(SERVER_NODE_OPTIONS ? { NODE_OPTIONS: SERVER_NODE_OPTIONS } : {}), HOST: '127.0.0.1', LOG_LEVEL: 'warn', IMPORT_FILE: importFile,
    AUDIT_LOG_FILE: join(tmp, 'runtime-api.log'),
    ...(CFG.databaseUrl ? { DATABASE_URL: CFG.databaseUrl, DATABASE_SCHEMA: schema } : { DATABASE_URL: `sqlite:${join(tmp, 'store.sqlite')}` }),
  };
  log(`${CFG.connections} connections for ${CFG.durationS} s (warm-up ${CFG.warmupS} s, server NODE_OPTIONS ${SERVER_NODE_OPTIONS || 'none'}) on ${CFG.databaseUrl ? `PostgreSQL (schema ${schema})` : 'SQLite'}, ${cpus().length} CPUs`);
  const child = startChild('server', process.execPath, ['-r', join(ROOT, 'bench', 'lib', 'parent-guard.cjs'), main], { env: serverEnv, cwd: ROOT, logFile: join(tmp, 'server.log') });
  let result;
  try {
    await waitFor200(port, '/health', { timeoutMs: 60_000, child, intervalMs: 100 });

    // Seed: valid access tokens to introspect, a few revoked ones, and listed SRIs to ask about.
    const cc = async () => (await request(port, 'POST', '/token', { headers: { authorization: basic(RP.id, RP.secret), 'content-type': FORM }, body: form({ grant_type: 'client_credentials', scope: 'profile' }) })).json.access_token;
    const tokens = [];
    for (let i = 0; i < 200; i += 8) tokens.push(...(await Promise.all(Array.from({ length: 8 }, cc))));
    await Promise.all(tokens.slice(0, 20).map((t) => request(port, 'POST', '/revoke', { headers: { authorization: basic(RP.id, RP.secret), 'content-type': FORM }, body: form({ token: t }) })));
    for (let i = 0; i < 1000; i += 8) {
      await Promise.all(Array.from({ length: 8 }, (_, j) => request(port, 'POST', PF, { headers: { authorization: basic(PFC.id, PFC.secret), 'x-xsrf-header': 'soak' }, body: { id: `soak-sri-${i + j}` } })));
    }

    const rpAuth = basic(RP.id, RP.secret);
    const pfAuth = basic(PFC.id, PFC.secret);
    const idpAuth = basic(IDP.id, IDP.secret);
    const makers = [
      () => ({ method: 'POST', path: '/token', headers: { authorization: rpAuth, 'content-type': FORM }, body: form({ grant_type: 'client_credentials', scope: 'profile' }) }),
      () => ({ method: 'POST', path: '/introspect', headers: { authorization: rpAuth, 'content-type': FORM }, body: form({ token: tokens[randomInt(tokens.length)] }) }),
      () => ({ method: 'POST', path: PF, headers: { authorization: pfAuth, 'x-xsrf-header': 'soak', 'content-type': 'application/json' }, body: JSON.stringify({ id: `soak-sri-${randomInt(SRI_SPACE)}` }) }),
      () => ({ method: 'GET', path: `${PF}/soak-sri-${randomInt(SRI_SPACE * 2)}?updateActivityTime=false`, headers: { authorization: pfAuth, 'x-xsrf-header': 'soak' } }),
      () => ({ method: 'POST', path: GTR, headers: { authorization: idpAuth, 'content-type': 'application/json' }, body: JSON.stringify({ sub_id: { format: 'uid', id: USERS[randomInt(USERS.length)].uid } }) }),
    ];

    const samples = [];
    const started = Date.now();
    const sample = () => {
      const { rssMiB } = memoryOf(child.proc.pid);
      if (rssMiB !== null && !child.exited) samples.push({ t: Math.round((Date.now() - started) / 1000), rssMiB: Math.round(rssMiB * 10) / 10 });
    };
    sample();
    const sampler = setInterval(() => {
      sample();
      const last = samples[samples.length - 1];
      if (last) log(`t=${last.t}s rss=${last.rssMiB} MiB`);
    }, CFG.sampleS * 1000);
    const loads = MIX.map(([, share], i) => load(port, Math.max(1, Math.round(CFG.connections * share)), makers[i]));
    const results = await Promise.all(loads);
    clearInterval(sampler);
    sample();

    const kinds = results.map((r, i) => {
      const codes = {};
      for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) codes[code] = v.count;
      return {
        kind: MIX[i][0], connections: Math.max(1, Math.round(CFG.connections * MIX[i][1])), requests: r.requests.total, rps: Math.round(r.requests.average),
        p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, codes, errors: r.errors, timeouts: r.timeouts,
      };
    });
    const fiveXx = kinds.reduce((n, k) => n + Object.entries(k.codes).filter(([c]) => Number(c) >= 500).reduce((a, [, v]) => a + v, 0), 0);
    const errors = kinds.reduce((n, k) => n + k.errors, 0);
    const after = samples.filter((s) => s.t >= CFG.warmupS);
    const growth = after.length ? after[after.length - 1].rssMiB - after[0].rssMiB : 0;
    const slopePerMin = linearSlope(after.map((s) => [s.t / 60, s.rssMiB]));
    const crashed = child.exited;
    result = {
      when: new Date().toISOString(), store: CFG.databaseUrl ? 'postgres' : 'sqlite', durationS: CFG.durationS, connections: CFG.connections, warmupS: CFG.warmupS,
      kinds, fiveXx, errors, crashed,
      rss: { samples, afterWarmup: { firstMiB: after[0]?.rssMiB ?? null, lastMiB: after[after.length - 1]?.rssMiB ?? null, maxMiB: Math.max(...after.map((s) => s.rssMiB)), growthMiB: Math.round(growth * 10) / 10, slopeMiBPerMin: Math.round(slopePerMin * 10) / 10 } },
    };

    console.log('\n| Traffic | Connections | Requests | req/s | p50 ms | p99 ms | Status codes | Errors |');
    console.log('|---|---:|---:|---:|---:|---:|---|---:|');
    for (const k of kinds) console.log(`| ${k.kind} | ${k.connections} | ${k.requests} | ${k.rps} | ${k.p50} | ${k.p99} | ${Object.entries(k.codes).map(([c, v]) => `${c}×${v}`).join(' ')} | ${k.errors} |`);
    console.log(`\n5xx: ${fiveXx}; connection errors: ${errors}; server ${crashed ? `CRASHED (code ${child.exitCode}, signal ${child.exitSignal})` : 'up throughout'}`);
    console.log(`RSS after warm-up: ${result.rss.afterWarmup.firstMiB} → ${result.rss.afterWarmup.lastMiB} MiB (max ${result.rss.afterWarmup.maxMiB}, ${result.rss.afterWarmup.slopeMiBPerMin} MiB/min); samples: ${samples.map((s) => `${s.t}s:${s.rssMiB}`).join(' ')}`);
    mkdirSync(dirname(CFG.report), { recursive: true });
    writeFileSync(CFG.report, `${JSON.stringify(result, null, 2)}\n`);
    log(`report written to ${CFG.report}`);
  } catch (err) {
    console.error(`soak failed: ${err?.stack ?? err}\n--- server log ---\n${logTail(child, 40)}`);
    result = { failed: true };
  } finally {
    destroyAgent();
    await stopChild(child);
    if (CFG.databaseUrl) {
      try {
        const pg = (await import('pg')).default;
        const c = new pg.Client({ connectionString: CFG.databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      } catch (e) {
        log(`could not drop schema ${schema}: ${e.message}`);
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  const ok = result && !result.failed && result.fiveXx === 0 && !result.crashed && result.rss.afterWarmup.growthMiB <= CFG.maxGrowthMiB;
  log(ok ? 'PASS: zero 5xx, no crash, memory flat after warm-up' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
