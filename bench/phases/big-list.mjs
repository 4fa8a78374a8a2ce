// Phase: the revocation list grown to cfg.bigList SRIs (store insert, restart): start-up time,
// resident memory, and the status check's throughput interleaved with the bare server again.
import { buildCases, probeCase } from '../lib/cases.mjs';
import { memoryOf } from '../lib/children.mjs';
import { log, sleep } from '../lib/context.mjs';
import { runLoad, runRounds, summarizeCases } from '../lib/measure.mjs';
import { seedListedSris } from '../lib/seed.mjs';
import { openServerStore, primary, startServer, stopServer } from '../lib/server.mjs';
import { round } from '../lib/stats.mjs';

export async function bigList(ctx) {
  const { cfg, results } = ctx;
  const big = { listSize: null, available: results.availability['srv.status']?.available ?? false, runs: {}, memory: {} };
  results.bigList = big;
  await stopServer(ctx, 'primary');
  const store = await openServerStore(ctx);
  const have = await store.count('revoked_sri');
  const add = Math.max(0, cfg.bigList - have);
  log(`seeding ${add} more listed SRIs (list: ${have} → ${have + add})`);
  const t0 = Date.now();
  const listedBig = await seedListedSris(store, add, Date.now() - 3_600_000);
  results.seeding.bigListMs = Date.now() - t0;
  big.listSize = await store.count('revoked_sri');
  await store.close();
  const startMs = await startServer(ctx, 'primary', ctx.ports.primary);
  results.startup.bigList = { ms: round(startMs, 1), otherCpu: ctx.lastStartOthers, listSize: big.listSize };
  log(`restart with ${big.listSize} listed SRIs: first 200 from /health after ${startMs.toFixed(0)} ms`);
  await sleep(1000);
  big.memory.afterStart = memoryOf(ctx.servers.primary.child.proc.pid);
  if (!big.available) {
    big.reason = results.availability['srv.status']?.reason;
    return;
  }
  const listed = [...listedBig.slice(0, 2000), ...ctx.data.listed.slice(0, 500)];
  const cases = buildCases(ctx, { listed });
  const status = { ...cases.find((c) => c.key === 'srv.status'), key: 'srv.status.bigList', label: `GET revokedSris/{id} with ${big.listSize.toLocaleString('en-US')} listed SRIs`, port: primary(ctx) };
  const bare = cases.find((c) => c.key === 'bare');
  const probe = await probeCase(status);
  if (!probe.available) {
    big.available = false;
    big.reason = probe.reason;
    return;
  }
  big.cases = {
    bare: { label: bare.label, target: 'bare', available: true, runs: [] },
    'srv.status.bigList': { label: status.label, target: 'server', available: true, baseline: null, runs: [] },
  };
  await runLoad(bare, { connections: cfg.connections, durationS: cfg.warmupS });
  await runLoad(status, { connections: cfg.connections, durationS: cfg.warmupS });
  big.quiet = [];
  await runRounds(ctx, [bare, status], big.cases, { quiet: big.quiet, label: 'big list ', pad: 20 });
  summarizeCases(big.cases, 'bare');
  big.memory.afterLoad = memoryOf(ctx.servers.primary.child.proc.pid);
}
