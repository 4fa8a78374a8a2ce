// Phase: large data straight into the store, with the server stopped (listed SRIs, live sessions
// whose SRIs are not listed, the global revocation users' holdings), then a measured restart.
import { memoryOf } from '../lib/children.mjs';
import { log, sleep } from '../lib/context.mjs';
import { loadSriCodec, SESSION_COLS, seedListedSris, seedUserHoldings, sessionRow, sessionsFor } from '../lib/seed.mjs';
import { openServerStore, startServer, stopServer } from '../lib/server.mjs';
import { round } from '../lib/stats.mjs';

export async function seedStore(ctx) {
  const { cfg, results, data } = ctx;
  await stopServer(ctx, 'primary');
  const store = await openServerStore(ctx);
  await loadSriCodec(ctx, store);
  const t1 = Date.now();
  data.listed = await seedListedSris(store, cfg.listedSris, Date.now() - 7_200_000);
  const holder = ctx.users.find((u) => u.role === 'status');
  const now = Date.now();
  const unlistedRows = Array.from({ length: cfg.unlistedSessions }, () => sessionRow(ctx, store, holder.id, now));
  await store.insertRows('user_session', SESSION_COLS, unlistedRows);
  data.unlisted = unlistedRows.map((r) => r[1]);
  for (const u of ctx.users.filter((x) => x.role === 'gtr' || x.role === 'gtr-warm')) await seedUserHoldings(ctx, store, u.id, u.size, sessionsFor(cfg, u.size));
  results.seeding.storeMs = Date.now() - t1;
  results.seeding.store = {
    listedSris: await store.count('revoked_sri'), sessions: await store.count('user_session'), issuedTokens: await store.count('issued_token'),
  };
  log(`seeded in the store in ${results.seeding.storeMs} ms: ${JSON.stringify(results.seeding.store)}`);
  await store.close();
  const seededMs = await startServer(ctx, 'primary', ctx.ports.primary);
  const n = (x) => x.toLocaleString('en-US');
  results.startup.seeded = { ms: round(seededMs, 1), otherCpu: ctx.lastStartOthers, note: `restart on the seeded store (${n(results.seeding.store.issuedTokens)} tokens, ${n(results.seeding.store.sessions)} sessions, ${n(results.seeding.store.listedSris)} listed SRIs)` };
  log(`restart on the seeded store: ${seededMs.toFixed(0)} ms`);
  await sleep(500);
  results.memory.afterSeededStart = memoryOf(ctx.servers.primary.child.proc.pid);
}
