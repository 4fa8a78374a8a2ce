// Phase: the throughput table. oidc-provider tokens to introspect, every case probed (an
// endpoint that is missing or answers wrongly is reported, not measured), a warm-up per case,
// then interleaved rounds.
import { tokenCall } from '../lib/api.mjs';
import { buildCases, probeCase } from '../lib/cases.mjs';
import { memoryOf } from '../lib/children.mjs';
import { log, sleep } from '../lib/context.mjs';
import { basic, request } from '../lib/http.mjs';
import { runLoad, runRounds, summarizeCases } from '../lib/measure.mjs';
import { primary } from '../lib/server.mjs';

/** The first Status List Token this server serves, from its aggregation (draft §9); null when it serves none. */
async function servedList(ctx) {
  const port = primary(ctx);
  const aggregation = await request(port, 'GET', '/statuslists');
  const uri = aggregation.status === 200 ? aggregation.json?.status_lists?.[0] : undefined;
  if (typeof uri !== 'string') return null;
  const path = new URL(uri).pathname;
  const list = await request(port, 'GET', path);
  return list.status === 200 ? { path, etag: list.headers.etag ?? null } : null;
}

export async function throughput(ctx) {
  const { cfg, results, data } = ctx;
  const { oidc } = ctx.clients;
  for (let i = 0; i < cfg.introTokensPerPool; i++) data.oidcTokens.push((await tokenCall(ctx, { grant_type: 'client_credentials', scope: 'api' }, { authorization: basic(oidc.id, oidc.secret) }, ctx.refs.oidc.port)).access_token);

  data.statusList = await servedList(ctx);
  const cases = buildCases(ctx);
  for (const c of cases) {
    results.availability[c.key] = await probeCase(c);
    if (!results.availability[c.key].available) log(`${c.key}: ${results.availability[c.key].reason}`);
  }
  const available = cases.filter((c) => results.availability[c.key].available);
  const tp = results.throughput;
  tp.order = available.map((c) => c.key);
  for (const c of cases) {
    tp.cases[c.key] = { label: c.label, target: c.target, baseline: c.baseline ?? null, floor: c.floor ?? null, available: results.availability[c.key].available, reason: results.availability[c.key].reason ?? null, runs: [] };
  }
  log(`warm-up: ${available.length} cases × ${cfg.warmupS} s`);
  for (const c of available) {
    await runLoad(c, { connections: cfg.connections, durationS: cfg.warmupS });
    await sleep(300);
  }
  tp.quiet = [];
  await runRounds(ctx, available, tp.cases, { quiet: tp.quiet, pad: 24 });
  summarizeCases(tp.cases, 'bare');
  results.memory.afterThroughput = memoryOf(ctx.servers.primary.child.proc.pid);
}
