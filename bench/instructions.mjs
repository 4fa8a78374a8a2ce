// CPU instructions per request on the hot paths, counted by valgrind's callgrind, next to the
// same count for the bare node:http server and for NestJS on Fastify with one route.
//
// Why: req/s ratios (bench/run.mjs) move with the machine. On a shared VM the cost of a system
// call and the cost of JavaScript drift apart from one hour to the next, and a ratio to the bare
// server (mostly system calls) moves with them. An instruction count does not: it is the work one
// request makes the server's JavaScript thread do, repeatable to a few per cent on any x86_64
// machine. It does not count the kernel (socket reads and writes), which every target pays alike.
//
// Each target runs under callgrind with instrumentation off while it starts and takes a warm-up
// load (past V8's optimizing compiler); then counting covers INSTR_REQUESTS requests, 10 connections,
// on the main thread only (V8's compiler threads are counted apart and left out). Work the target's
// timers do by the clock (this server's feed read every 50 ms) is counted for 3 s with no request
// and taken out in proportion to the counted load's duration: under valgrind it would otherwise add
// 5,000 to 20,000 instructions to every request, more when the other core is busy.
//
//   npm run bench:instructions     (needs valgrind: apt-get install valgrind)
// Writes bench/instructions.md and bench/instructions.json; with another warm-up or count than the
// defaults (a smoke run), bench/out/ instead, so the committed figures are not replaced. Runs two
// targets at a time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { installExitHandlers, logTail, startChild, stopAll, stopChild, waitForOutput } from './lib/children.mjs';
import { basic, destroyAgent, form, freePort, request, waitFor200 } from './lib/http.mjs';
import { median } from './lib/stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const env = process.env;
const REQUESTS = Number(env.INSTR_REQUESTS ?? 2000);
const WARM = Number(env.INSTR_WARM ?? 12_000);
const REPS = Number(env.INSTR_REPS ?? 1);
/** How long the target's timer work is counted alone (ms). */
const IDLE_MS = 3000;
/** INSTR_ROWS=introspect,oidc.introspect counts only those rows (an A/B of one change); ratios to rows left out print as —. */
const ONLY = env.INSTR_ROWS ? new Set(env.INSTR_ROWS.split(',').map((k) => k.trim())) : undefined;
// Counts taken with less warm-up are not comparable (V8 has not optimized yet), nor is a partial
// table a whole one: they go apart.
const OUT_DIR = WARM === 12_000 && REQUESTS === 2000 && !ONLY ? join(ROOT, 'bench') : join(ROOT, 'bench', 'out');
const TMP = mkdtempSync(join(tmpdir(), 'revocation-instr-'));
const SERVER_MAIN = join(ROOT, 'dist', 'apps', 'server', 'src', 'main.js');
const CLIENT = { id: 'instr-rs', secret: 'instr-rs-secret-0123456789' };
const REF = { id: 'instr-ref', secret: 'instr-ref-secret-0123456789' };
const OIDC = { id: 'instr-oidc', secret: 'instr-oidc-secret-0123456789' };
const PF = '/pf-ws/rest/sessionMgmt/revokedSris';
// valgrind and callgrind_control name their pipes after USER and HOST: the same on both sides (HOST is also the address the targets listen on).
const VGDB_NAMES = { USER: 'bench', HOST: '127.0.0.1' };

installExitHandlers(() => rmSync(TMP, { recursive: true, force: true }));
const log = (msg) => process.stdout.write(`[instructions] ${msg}\n`);


const importFile = () => ({
  clients: [
    { client_id: CLIENT.id, client_secret: CLIENT.secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['api'], session_revocation_api: true, redirect_uris: [] },
    { client_id: REF.id, client_secret: REF.secret, token_endpoint_auth_method: 'client_secret_basic', access_token_format: 'reference', grant_types: ['client_credentials'], scopes: ['api'], redirect_uris: [] },
  ],
});

const pfHeaders = { authorization: basic(CLIENT.id, CLIENT.secret), 'x-xsrf-header': 'instructions' };
const formHeaders = (c) => ({ authorization: basic(c.id, c.secret), 'content-type': 'application/x-www-form-urlencoded' });
const cc = (c) => ({ method: 'POST', path: '/token', headers: formHeaders(c), body: form({ grant_type: 'client_credentials', scope: 'api' }) });

/** The rows; `requests(port)` seeds what a row needs and returns the requests autocannon cycles through. */
const ALL_ROWS = [
  { key: 'bare', label: 'bare node:http, tiny JSON', target: 'bare', requests: async () => [{ method: 'GET', path: '/' }] },
  { key: 'nest', label: 'NestJS on Fastify, one route, tiny JSON', target: 'nest', requests: async () => [{ method: 'GET', path: '/' }] },
  {
    key: 'nest.statusShape', label: 'NestJS route shaped like GET revokedSris/{id}, none of its work (half 404)', target: 'shape',
    requests: async () => Array.from({ length: 200 }, (_, i) => ({ method: 'GET', path: `${PF}/instr-${'s'.repeat(24)}-${i}?updateActivityTime=false`, headers: pfHeaders })),
  },
  { key: 'oidc.introspect', label: 'oidc-provider POST /token/introspection', target: 'oidc', requests: (port) => tokenPool(port, OIDC, '/token/introspection') },
  { key: 'oidc.token', label: 'oidc-provider POST /token client_credentials', target: 'oidc', requests: async () => [cc(OIDC)] },
  {
    key: 'status', label: 'GET revokedSris/{id} (half listed), updateActivityTime=false', target: 'server',
    requests: async (port) => {
      const out = [];
      for (let i = 0; i < 200; i++) {
        const id = `instr-${i}-${'s'.repeat(24)}`;
        if (i % 2 === 0) await expectStatus(request(port, 'POST', PF, { headers: { ...pfHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ id }) }), 201);
        out.push({ method: 'GET', path: `${PF}/${id}?updateActivityTime=false`, headers: pfHeaders });
      }
      return out;
    },
  },
  { key: 'statusList', label: 'GET /statuslists/{id} (Status List Token)', target: 'server', requests: (port) => statusListRequests(port) },
  { key: 'introspect', label: 'POST /introspect, valid JWT', target: 'server', baseline: 'oidc.introspect', requests: (port) => tokenPool(port, CLIENT, '/introspect') },
  { key: 'token.reference', label: 'POST /token client_credentials, reference access token', target: 'server', baseline: 'oidc.token', requests: async () => [cc(REF)] },
  { key: 'token.jwt', label: 'POST /token client_credentials, JWT access token (ES256)', target: 'server', baseline: 'oidc.token', requests: async () => [cc(CLIENT)] },
  // The same without the Token Status List at issuance (lib/no-status-claim.cjs: the server has no setting for it).
  {
    key: 'token.jwt.nostatus', label: 'POST /token client_credentials, JWT access token (ES256), no status claim', target: 'server', baseline: 'oidc.token', preload: 'no-status-claim.cjs',
    requests: async () => [cc(CLIENT)],
  },
];
/** Issuance with the status claim against without (a status list index and entry per JWT): at most this much more work. */
const STATUS_CLAIM_BOUND = 0.05;
const ROWS = ALL_ROWS.filter((r) => !ONLY || ONLY.has(r.key));

/** 50 access tokens of `client`'s, each introspected in turn at `path`. */
async function tokenPool(port, client, path) {
  const out = [];
  for (let i = 0; i < 50; i++) {
    const { json } = await expectStatus(request(port, 'POST', '/token', cc(client)), 200);
    out.push({ method: 'POST', path, headers: formHeaders(client), body: form({ token: json.access_token }) });
  }
  return out;
}

/** The list a fresh JWT names, once it is served (the first signature follows within a rebuild). */
async function statusListRequests(port) {
  const { json } = await expectStatus(request(port, 'POST', '/token', cc(CLIENT)), 200);
  const { uri } = JSON.parse(Buffer.from(json.access_token.split('.')[1], 'base64url').toString('utf8')).status.status_list;
  const path = new URL(uri).pathname;
  for (let waited = 0; (await request(port, 'GET', path)).status !== 200; waited += 250) {
    if (waited > 60_000) throw new Error(`${path} was not served within 60 s`);
    await sleep(250);
  }
  return [{ method: 'GET', path }];
}

async function expectStatus(pending, status) {
  const r = await pending;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text?.slice(0, 200)}`);
  return r;
}

/** Starts a row's target under callgrind (instrumentation off), waits until it answers. */
async function startTarget(row, dir) {
  const port = await freePort();
  const vgdb = join(dir, 'vgdb');
  const base = { PATH: env.PATH, HOME: env.HOME ?? dir, TMPDIR: dir, NODE_ENV: 'production', ALLOW_PLAINTEXT_KEYS: 'true', PORT: String(port), ...VGDB_NAMES };
  const script = row.target === 'bare' ? [join(ROOT, 'bench', 'targets', 'bare-server.mjs')]
    : row.target === 'nest' ? [join(ROOT, 'bench', 'targets', 'nest-hello.cjs')]
      : row.target === 'shape' ? [join(ROOT, 'bench', 'targets', 'nest-status-shape.cjs')]
      : row.target === 'oidc' ? [join(ROOT, 'bench', 'targets', 'oidc-server.mjs')]
      : ['-r', join(ROOT, 'bench', 'lib', 'parent-guard.cjs'), ...(row.preload ? ['-r', join(ROOT, 'bench', 'lib', row.preload)] : []), SERVER_MAIN];
  const serverEnv = row.target === 'oidc' ? { CLIENT_ID: OIDC.id, CLIENT_SECRET: OIDC.secret } : row.target !== 'server' ? {} : {
    LOG_LEVEL: 'warn', ISSUER: `http://127.0.0.1:${port}`, DATABASE_URL: `sqlite:${join(dir, 'store.sqlite')}`, IMPORT_FILE: join(dir, 'import.json'), AUDIT_LOG_FILE: join(dir, 'runtime-api.log'),
  };
  if (row.target === 'server') writeFileSync(serverEnv.IMPORT_FILE, JSON.stringify(importFile()));
  const child = startChild(row.key, 'valgrind', [
    '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--vgdb-prefix=${vgdb}`, `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
    process.execPath, ...script,
  ], { env: { ...base, ...serverEnv }, cwd: ROOT, logFile: join(dir, 'target.log') });
  if (row.target === 'server') await waitFor200(port, '/health', { child, timeoutMs: 600_000, intervalMs: 250 });
  else await waitForOutput(child, /READY (\d+)/, 600_000);
  const control = (...args) => execFileSync('callgrind_control', [`--vgdb-prefix=${vgdb}`, ...args, String(child.proc.pid)], { stdio: 'ignore', env: { ...env, ...VGDB_NAMES } });
  return { child, port, control };
}

function load(port, requests, amount) {
  return autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, amount, requests, timeout: 120 });
}

/** Instructions per request of one row: warm-up, then a counted load on the main thread, net of the target's timer work. */
async function measure(row) {
  const dir = mkdtempSync(join(TMP, `${row.key}-`));
  const target = await startTarget(row, dir);
  try {
    const requests = await row.requests(target.port);
    await load(target.port, requests, WARM);
    target.control('--instr=on');
    await load(target.port, requests, 300); // instrumented code settles in
    // Timers run by the clock, not per request (this server reads its revocation feed every
    // 50 ms). Under valgrind a request takes 50 times longer, and longer still when the other
    // core is busy, so their share of a count would move with the machine: it is counted alone,
    // with no request, and taken out in proportion to the counted load's duration.
    target.control('--zero');
    let started = performance.now();
    await sleep(IDLE_MS);
    target.control('--dump');
    const idlePerMs = (await dumpTotal(dir, 1)) / (performance.now() - started);
    target.control('--zero');
    started = performance.now();
    const counted = await load(target.port, requests, REQUESTS);
    const loadMs = performance.now() - started;
    target.control('--dump');
    if (counted.errors || counted.timeouts) throw new Error(`${counted.errors} errors, ${counted.timeouts} timeouts`);
    const total = await dumpTotal(dir, 2);
    const timers = idlePerMs * loadMs;
    return { instructions: (total - timers) / REQUESTS, timers: timers / REQUESTS, answers: counted.requests.total, non2xx: counted.non2xx };
  } catch (err) {
    throw new Error(`${row.key}: ${err.message}\n${logTail(target.child, 15)}`);
  } finally {
    await stopChild(target.child, 5000);
  }
}

/** The main thread's instruction total in callgrind's `n`th dump, written by the target's own thread once the request reaches it. */
async function dumpTotal(dir, n) {
  const name = new RegExp(`^callgrind\\.out\\.${n}-01$`);
  for (let waited = 0; waited < 60_000; waited += 250) {
    const file = readdirSync(dir).find((f) => name.test(f));
    const summary = file && readFileSync(join(dir, file), 'utf8').match(/^summary: (\d+)/m);
    if (summary) return Number(summary[1]);
    await sleep(250);
  }
  throw new Error(`no callgrind dump ${n} for the main thread in ${dir}`);
}

/** The issuance target: the JWT row with the status claim against the row without. */
function statusClaimLines(results, med, fmt) {
  const c = results.statusClaim;
  if (!c) return [];
  return [
    '## The status claim at issuance',
    '',
    'Each JWT this server issues gets an index of a Token Status List (its `status` claim) and an entry that the lists are kept from. The server has no setting that turns this off: the row "no status claim" runs the same build with `bench/lib/no-status-claim.cjs` preloaded, which makes `StatusListIssuance.forResponse` answer nothing, as when the module is not mounted.',
    '',
    '| target | goal | measured | result |',
    '| --- | --- | --- | --- |',
    `| POST /token client_credentials (JWT): with the status claim vs without | < ${STATUS_CLAIM_BOUND * 100}% more instructions | ${(c.moreInstructions * 100).toFixed(1)}% more (${fmt(med['token.jwt'])} vs ${fmt(med['token.jwt.nostatus'])}) | ${c.pass ? '**pass**' : '**FAIL**'} |`,
    '',
  ];
}

async function main() {
  for (const key of ONLY ?? []) if (!ALL_ROWS.some((r) => r.key === key)) throw new Error(`INSTR_ROWS: no row ${key} (rows: ${ALL_ROWS.map((r) => r.key).join(', ')})`);
  const version = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    process.stderr.write('bench:instructions needs valgrind (Debian: apt-get install valgrind).\n');
    process.exit(2);
  }
  const valgrind = version.stdout.trim();
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const counts = Object.fromEntries(ROWS.map((r) => [r.key, []]));
  const timers = Object.fromEntries(ROWS.map((r) => [r.key, []]));
  // Two at a time: each valgrind runs its guest on one core.
  const queue = [];
  for (let rep = 0; rep < REPS; rep++) queue.push(...ROWS);
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const m = await measure(row);
      counts[row.key].push(m.instructions);
      timers[row.key].push(m.timers);
      log(`${row.key.padEnd(16)} ${Math.round(m.instructions).toLocaleString('en-US').padStart(9)} instructions/request (timer work taken out: ${Math.round(m.timers).toLocaleString('en-US')})`);
    }
  };
  await Promise.all([worker(), worker()]);
  const med = Object.fromEntries(ROWS.map((r) => [r.key, median(counts[r.key])]));
  const results = {
    date: new Date().toISOString(), commit, node: process.version, valgrind, cpu: cpus()[0]?.model, requests: REQUESTS, warmUp: WARM, reps: REPS,
    rows: ROWS.map((r) => ({ key: r.key, label: r.label, instructionsPerRequest: Math.round(med[r.key]), runs: counts[r.key].map(Math.round), timersTakenOut: timers[r.key].map(Math.round), timesBare: med[r.key] / med.bare, timesNest: med[r.key] / med.nest, // NaN when that row was left out
      ...(r.baseline && med[r.baseline] !== undefined && { baseline: r.baseline, baselineOverThis: med[r.baseline] / med[r.key] }) })),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  if (med['token.jwt'] !== undefined && med['token.jwt.nostatus'] !== undefined) {
    const more = med['token.jwt'] / med['token.jwt.nostatus'] - 1;
    results.statusClaim = { moreInstructions: more, bound: STATUS_CLAIM_BOUND, pass: more < STATUS_CLAIM_BOUND };
  }
  writeFileSync(join(OUT_DIR, 'instructions.json'), `${JSON.stringify(results, null, 2)}\n`);
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  const times = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ×` : '—');
  const lines = [
    '# Instructions per request',
    '',
    'Produced by `npm run bench:instructions` (bench/instructions.mjs); raw numbers in `bench/instructions.json`. What it counts and why: docs/benchmarks.md.',
    '',
    `Commit ${commit}, ${results.date}; Node.js ${process.version}; ${valgrind}; ${results.cpu ?? 'unknown CPU'}. Each target warmed up with ${fmt(WARM)} requests, then ${fmt(REQUESTS)} counted (10 connections), main thread only, net of the work its timers did meanwhile${REPS > 1 ? `; median of ${REPS} runs` : ''}.`,
    '',
    'The last column is oidc-provider\'s count for the same job divided by this server\'s: how many of our requests one of its costs (the throughput targets ask for 3 × on introspection and 2 × on issuance).',
    '',
    '| target | instructions per request | × bare | × NestJS on Fastify | oidc-provider ÷ this |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.rows.map((r) => `| ${r.label} | ${fmt(r.instructionsPerRequest)} | ${times(r.timesBare)} | ${times(r.timesNest)} | ${r.baselineOverThis ? `${r.baselineOverThis.toFixed(2)} ×` : '—'} |`),
    '',
    ...statusClaimLines(results, med, fmt),
  ];
  writeFileSync(join(OUT_DIR, 'instructions.md'), lines.join('\n'));
  log(`wrote ${relative(ROOT, OUT_DIR)}/instructions.md and instructions.json`);
}

main()
  .catch((err) => {
    process.stderr.write(`[instructions] FAILED: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    destroyAgent();
    await stopAll();
    rmSync(TMP, { recursive: true, force: true });
  });
