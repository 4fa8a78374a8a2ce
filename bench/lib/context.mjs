// The shared context of one bench run: the settings read from the environment, the output
// paths, the credentials of this run, the results collector, and the state the phases hand
// on to each other (processes started, ports, seeded data). One object, made by run.mjs and
// passed to every phase; no module keeps state of its own.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export const log = (...a) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const pct = (x) => (x === null || x === undefined ? '?' : `${(x * 100).toFixed(0)}%`);

export function redact(url) {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/** The settings of a run, from BENCH_* (and DATABASE_URL, REDIS_URL); see docs/benchmarks.md. */
export function readConfig(env) {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const num = (name, dflt) => {
    if (env[name] === undefined || env[name] === '') return dflt;
    const v = Number(env[name]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
    return v;
  };
  return {
    quick,
    durationS: num('BENCH_DURATION', quick ? 2 : 5),
    warmupS: num('BENCH_WARMUP', quick ? 1 : 2),
    rounds: num('BENCH_REPS', quick ? 1 : 3),
    connections: num('BENCH_CONNECTIONS', 50),
    gtrSizes: quick ? [10, 1_000, 10_000] : [10, 1_000, 100_000],
    gtrSessionsLargest: quick ? 1_000 : 10_000,
    gtrReps: num('BENCH_GTR_REPS', quick ? 1 : 5),
    listedSris: quick ? 1_000 : 10_000,
    unlistedSessions: quick ? 1_000 : 10_000,
    bigList: num('BENCH_BIG_LIST', quick ? 100_000 : 1_000_000),
    introTokensPerPool: quick ? 40 : 200,
    propagationSamples: num('BENCH_PROPAGATION_SAMPLES', quick ? 20 : 200),
    // The sign-in capacity phase: seconds of password grants, and how many connections send them.
    signInS: num('BENCH_SIGNIN_DURATION', quick ? 6 : 20),
    signInConnections: num('BENCH_SIGNIN_CONNECTIONS', 64),
    // The status-list phase: tokens in the list whose size is measured; the kit's in-process rounds.
    statusListEntries: num('BENCH_STATUS_LIST_ENTRIES', 1_000_000),
    kitRounds: num('BENCH_KIT_ROUNDS', quick ? 8 : 30),
    kitVerifies: num('BENCH_KIT_VERIFIES', quick ? 500 : 1000),
    kitWarmup: quick ? 1000 : 3000,
    kitConcurrency: num('BENCH_KIT_CONCURRENCY', 8),
    timeoutMin: num('BENCH_TIMEOUT_MIN', quick ? 15 : 60),
    quietWaitS: env.BENCH_QUIET_WAIT_S === '0' ? 0 : num('BENCH_QUIET_WAIT_S', quick ? 0 : 60),
    quietMax: num('BENCH_QUIET_MAX', 0.15),
    databaseUrl: /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '') ? env.DATABASE_URL : null,
    redisUrl: env.REDIS_URL || null,
    keepTmp: env.BENCH_KEEP === '1',
    // Extra node arguments for every instance of this server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
    serverNodeArgs: (env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  };
}

/** BENCHMARKS.md and results.json at the root; quick mode under bench/out/; BENCH_OUT_DIR wins. */
export function outputPaths(env, root, quick) {
  const outDir = env.BENCH_OUT_DIR ? resolve(env.BENCH_OUT_DIR) : quick ? join(root, 'bench', 'out') : root;
  return {
    mdPath: join(outDir, quick && !env.BENCH_OUT_DIR ? 'BENCHMARKS.quick.md' : 'BENCHMARKS.md'),
    jsonPath: env.BENCH_OUT_DIR ? join(outDir, 'results.json') : quick ? join(root, 'bench', 'out', 'results.quick.json') : join(root, 'bench', 'results.json'),
  };
}

/** Everything bench/results.json holds; the phases fill it in. */
function newResults(cfg) {
  return {
    schema: 1,
    meta: {},
    config: { ...cfg, databaseUrl: cfg.databaseUrl ? redact(cfg.databaseUrl) : null, redisUrl: cfg.redisUrl ? redact(cfg.redisUrl) : null },
    notes: [],
    startup: {},
    seeding: {},
    availability: {},
    throughput: { order: [], rounds: [], cases: {} },
    globalRevocation: null,
    signInCapacity: null,
    statusList: null,
    memory: {},
    bigList: null,
    propagation: null,
    targets: [],
  };
}

export function createContext({ root, env }) {
  const cfg = readConfig(env);
  return {
    root,
    env,
    cfg,
    out: outputPaths(env, root, cfg.quick),
    runId: randomBytes(4).toString('hex'),
    // Clients of this server (provisioned by the bench) and the oidc-provider client.
    clients: {
      rs: { id: 'bench-rs', secret: `rs-${randomBytes(12).toString('hex')}` },
      // Issues reference (opaque) access tokens: the like-for-like issuance against oidc-provider's opaque ones.
      ref: { id: 'bench-ref', secret: `ref-${randomBytes(12).toString('hex')}` },
      gtr: { id: 'bench-gtr', secret: `gtr-${randomBytes(12).toString('hex')}` },
      oidc: { id: 'bench-oidc', secret: `oidc-${randomBytes(12).toString('hex')}` },
    },
    userPassword: `pw-${randomBytes(9).toString('hex')}`,
    results: newResults(cfg),

    // Environment (phases/prepare.mjs): temp dir, the snapshot of the build, the PostgreSQL schema.
    tmp: null,
    appDir: null,
    serverMain: null,
    schema: null,
    issuer: null,
    kitDir: null, // the resource-server kit, compiled (lib/kit.mjs); kitReason when it could not be
    kitReason: null,

    // Processes: the server under test by name ({ child, port }), the reference servers, ports.
    ports: {},
    servers: {},
    refs: {},
    lastStartOthers: null, // share of the machine other processes used during the last start-up

    // Seeded data.
    users: [], // { uid, sub, id?, password?, role, size?, rep? }
    sriCodec: null, // the server's SriCodec with the key it keeps in the store
    sessionSeq: 0,
    data: {
      introValid: [],
      introRevoked: [],
      gtrTokens: new Map(), // uid -> an access token the user held before its global revocation
      listed: [],
      unlisted: [],
      oidcTokens: [],
      statusList: null, // { path, etag } of a list this server serves (phases/throughput.mjs)
    },
  };
}
