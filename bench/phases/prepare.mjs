// Phase: the run's header (machine, versions, commit), its temp directory, the snapshot of the
// build under test and the resource-server kit compiled beside it, the PostgreSQL schema, and the
// users the bench will provision.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { log } from '../lib/context.mjs';
import { compileKit } from '../lib/kit.mjs';
import { planUsers } from '../lib/seed.mjs';
import { snapshotBuild, sweepStaleTmp } from '../lib/server.mjs';
import { round } from '../lib/stats.mjs';

function versionOf(root, pkg) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function gitInfo(root) {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: root, encoding: 'utf8' }).trim().length > 0;
    return { commit: sha, uncommittedServerChanges: dirty };
  } catch {
    return { commit: 'unknown', uncommittedServerChanges: null };
  }
}

export async function prepare(ctx) {
  const { cfg, root, results } = ctx;
  const cpuList = cpus();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  results.meta = {
    date: new Date().toISOString(),
    mode: cfg.quick ? 'quick' : 'full',
    cpuModel: cpuList[0]?.model?.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    server: { name: pkg.name, version: pkg.version, ...gitInfo(root) },
    oidcProvider: versionOf(root, 'oidc-provider'),
    autocannon: versionOf(root, 'autocannon'),
    store: cfg.databaseUrl ? 'PostgreSQL' : 'SQLite (temp file, WAL)',
    loadAvgAtStart: loadavg().map((x) => round(x, 2)),
    redis: !!cfg.redisUrl,
  };
  log(`mode ${results.meta.mode}: ${cfg.rounds} round(s) × ${cfg.durationS} s, ${cfg.connections} connections, store ${results.meta.store}`);

  sweepStaleTmp();
  ctx.tmp = mkdtempSync(join(tmpdir(), 'revocation-bench-'));
  writeFileSync(join(ctx.tmp, 'owner.pid'), String(process.pid));
  ctx.serverMain = snapshotBuild(ctx);
  compileKit(ctx);
  if (cfg.databaseUrl) {
    ctx.schema = `bench_${Date.now().toString(36)}_${ctx.runId}`;
    results.meta.storeSchema = ctx.schema;
  }
  planUsers(ctx);
}
