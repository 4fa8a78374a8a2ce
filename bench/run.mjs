#!/usr/bin/env node
// `npm run bench`: measures this server's hot paths against a bare node:http server and
// oidc-provider in one run, interleaved (A B A B …), and writes BENCHMARKS.md and
// bench/results.json. See docs/benchmarks.md for what it measures and how to run it.
//
// This file only runs the phases of bench/phases/ in order, each an async function of one
// shared context (bench/lib/context.mjs: settings, results, processes, seeded data), then
// judges the targets of bench/target-table.mjs and writes the reports.
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExitHandlers, liveChildren, stopAll } from './lib/children.mjs';
import { createContext, log } from './lib/context.mjs';
import { evaluateTargets } from './lib/evaluate-targets.mjs';
import { destroyAgent } from './lib/http.mjs';
import { writeReports } from './lib/report.mjs';
import { cleanupDb, cleanupTmp } from './lib/server.mjs';
import { round } from './lib/stats.mjs';
import { TARGETS } from './target-table.mjs';
import { prepare } from './phases/prepare.mjs';
import { references } from './phases/references.mjs';
import { provision } from './phases/provision.mjs';
import { seedHttp } from './phases/seed-http.mjs';
import { seedStore } from './phases/seed-store.mjs';
import { throughput } from './phases/throughput.mjs';
import { statusList } from './phases/status-list.mjs';
import { globalRevocation } from './phases/global-revocation.mjs';
import { signInCapacity } from './phases/sign-in-capacity.mjs';
import { propagation } from './phases/propagation.mjs';
import { bigList } from './phases/big-list.mjs';
import { ssf } from './phases/ssf.mjs';

/** In order; each phase relies on what the ones before it left on the context. */
const PHASES = [
  prepare, // header, temp dir, snapshot of the build, the kit compiled, users to provision
  references, // bare server, oidc-provider, the two NestJS routes
  provision, // first start on a fresh store, IMPORT_FILE
  seedHttp, // introspection pools and global revocation users' tokens, through the API
  seedStore, // large data straight into the store, measured restart
  throughput, // the throughput table, interleaved rounds
  statusList, // Status List Token size; the resource-server kit's check in process
  globalRevocation, // time per call, by user size
  signInCapacity, // password grants at saturation, status checks beside them
  propagation, // two instances (PostgreSQL only)
  bigList, // the big revocation list: start-up, memory, status check
  ssf, // Shared Signals: session-revoked SETs by push and poll (restarts the primary)
];

const ctx = createContext({ root: resolve(dirname(fileURLToPath(import.meta.url)), '..'), env: process.env });

async function main() {
  installExitHandlers(() => cleanupTmp(ctx));
  const hardStop = setTimeout(() => {
    log(`time limit of ${ctx.cfg.timeoutMin} min reached: stopping everything`);
    process.exit(3);
  }, ctx.cfg.timeoutMin * 60_000);
  hardStop.unref();

  for (const phase of PHASES) await phase(ctx);

  await stopAll();
  destroyAgent();
  const { results } = ctx;
  results.targets = evaluateTargets(TARGETS, results, ctx.cfg);
  results.meta.finished = new Date().toISOString();
  results.meta.loadAvgAtEnd = loadavg().map((x) => round(x, 2));
  const written = writeReports(results, { ...ctx.out, root: ctx.root });
  log(`wrote ${written.join(' and ')}`);
  const leftovers = liveChildren();
  if (leftovers.length) log(`warning: child processes still alive: ${JSON.stringify(leftovers)}`);
  await cleanupDb(ctx);
  cleanupTmp(ctx);
}

main().then(
  () => process.exit(0),
  async (err) => {
    log(`FAILED: ${err?.stack ?? err}`);
    if (ctx.tmp) log(`logs kept in ${ctx.tmp}`);
    await stopAll().catch(() => {});
    await cleanupDb(ctx);
    process.exit(1);
  },
);
