// The processes of a run: the snapshot of the build under test, this server's instances, the
// reference servers of bench/targets/, the temp directory and the PostgreSQL schema.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveChildren, logTail, startChild, stopChild, waitForOutput } from './children.mjs';
import { cpuWindow } from './cpu.mjs';
import { freePort, waitFor200 } from './http.mjs';
import { openStore } from './store.mjs';
import { log } from './context.mjs';

/**
 * BENCH_REF=<commit>: measure that commit instead of the working tree. It is exported with
 * `git archive` into the temp directory and built there (node_modules linked from this tree),
 * so edits in progress in a shared working tree cannot leak into the figures.
 */
function buildRef(ctx, ref) {
  const src = join(ctx.tmp, 'app');
  mkdirSync(src, { recursive: true });
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ctx.root, encoding: 'utf8' }).trim();
  execFileSync('sh', ['-c', `git archive --format=tar ${sha} | tar -x -C "${src}"`], { cwd: ctx.root, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(ctx.root, 'node_modules'), join(src, 'node_modules'), 'dir');
  log(`building ${ref} (${sha.slice(0, 7)}) in ${src}`);
  execFileSync(join(ctx.root, 'node_modules', '.bin', 'nest'), ['build', 'server'], { cwd: src, stdio: ['ignore', 'inherit', 'inherit'] });
  ctx.appDir = src;
  ctx.results.meta.server.commit = sha.slice(0, 7);
  ctx.results.meta.server.ref = ref;
  ctx.results.meta.server.uncommittedServerChanges = false;
  return join(src, 'dist', 'apps', 'server', 'src', 'main.js');
}

/** Sets ctx.appDir and returns the server's main.js in it: BENCH_REF built, or a copy of dist/. */
export function snapshotBuild(ctx) {
  if (ctx.env.BENCH_REF) return buildRef(ctx, ctx.env.BENCH_REF);
  const dist = join(ctx.root, 'dist');
  const main = join(dist, 'apps', 'server', 'src', 'main.js');
  if (!existsSync(main)) throw new Error('bench: dist/apps/server/src/main.js is missing; run `npm run build` (npm run bench does it)');
  // A copy of this build, so another `npm run build` in the same tree cannot change the code under test mid-run.
  ctx.appDir = join(ctx.tmp, 'app');
  mkdirSync(ctx.appDir, { recursive: true });
  cpSync(dist, join(ctx.appDir, 'dist'), { recursive: true });
  symlinkSync(join(ctx.root, 'node_modules'), join(ctx.appDir, 'node_modules'), 'dir');
  writeFileSync(join(ctx.appDir, 'package.json'), readFileSync(join(ctx.root, 'package.json')));
  return join(ctx.appDir, 'dist', 'apps', 'server', 'src', 'main.js');
}

/** The store every instance of this server uses: the temp SQLite file or DATABASE_URL. */
export const storeUrl = (ctx) => ctx.cfg.databaseUrl ?? `sqlite:${join(ctx.tmp, 'store.sqlite')}`;

/** Direct access to that store (the schema of this run on PostgreSQL). */
export const openServerStore = (ctx) => openStore(storeUrl(ctx), ctx.schema);

function serverEnv(ctx, port, extra = {}) {
  const { env, cfg, tmp } = ctx;
  const e = {
    PATH: env.PATH,
    HOME: env.HOME ?? tmp,
    TMPDIR: tmp,
    NODE_ENV: 'production',
    // Production refuses plain-text keys in the store; the bench reads the SRI sealing key from it (seed.mjs).
    ALLOW_PLAINTEXT_KEYS: 'true',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER: ctx.issuer,
    DATABASE_URL: storeUrl(ctx),
    ...(ctx.schema ? { DATABASE_SCHEMA: ctx.schema } : {}),
    ...(cfg.redisUrl ? { REDIS_URL: cfg.redisUrl } : {}),
    ...extra,
  };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

/** Starts the server under test; resolves with the time from spawn to its first 200 from /health. */
export async function startServer(ctx, name, port, extra = {}) {
  const started = process.hrtime.bigint();
  const cpuDone = cpuWindow(() => [process.pid, ...liveChildren().map((c) => c.pid)]);
  const child = startChild(name, process.execPath, [...ctx.cfg.serverNodeArgs, '-r', join(ctx.root, 'bench', 'lib', 'parent-guard.cjs'), ctx.serverMain], {
    env: serverEnv(ctx, port, extra),
    cwd: ctx.appDir,
    logFile: join(ctx.tmp, `${name}.log`),
  });
  let ms;
  try {
    ms = await waitFor200(port, '/health', { sinceNs: started, child, timeoutMs: 120_000, intervalMs: 5 });
  } catch (err) {
    await stopChild(child, 2000);
    throw new Error(`${err.message}\n--- last lines of ${child.logFile} ---\n${logTail(child, 15).slice(-4000)}`);
  }
  ctx.lastStartOthers = cpuDone().others;
  ctx.servers[name] = { child, port };
  return ms;
}

export async function stopServer(ctx, name) {
  const s = ctx.servers[name];
  if (!s) return;
  await stopChild(s.child, 10_000);
  delete ctx.servers[name];
}

/** The port of the server under test that every phase talks to. */
export const primary = (ctx) => ctx.servers.primary.port;

/** Starts one of bench/targets/ on a free port; resolves once it printed READY. */
export async function startHelper(ctx, name, script, extraEnv) {
  const port = await freePort();
  const child = startChild(name, process.execPath, [join(ctx.root, 'bench', 'targets', script)], {
    env: { PATH: ctx.env.PATH, HOME: ctx.env.HOME ?? ctx.tmp, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...extraEnv },
    cwd: ctx.root,
    logFile: join(ctx.tmp, `${name}.log`),
  });
  await waitForOutput(child, /READY (\d+)/);
  return { child, port };
}

/** Removes temp dirs left by an earlier bench that was killed (its owner pid is gone). */
export function sweepStaleTmp() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('revocation-bench-')) continue;
    const dir = join(tmpdir(), name);
    try {
      const pid = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!pid || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
        continue; // still running
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      /* not ours, or no pid file yet */
    }
  }
}

export function cleanupTmp(ctx) {
  if (!ctx.tmp || ctx.cfg.keepTmp) return;
  try {
    rmSync(ctx.tmp, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

export async function cleanupDb(ctx) {
  const { cfg, schema } = ctx;
  if (!cfg.databaseUrl || !schema || cfg.keepTmp) return;
  try {
    const s = await openStore(cfg.databaseUrl, null);
    await s.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await s.close();
  } catch (err) {
    log(`could not drop schema ${schema}: ${err.message}`);
  }
}
