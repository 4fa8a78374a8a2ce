// Writes BENCHMARKS.md (the table and the targets) and the raw numbers as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { ssfSection } from '../phases/ssf.mjs';

const fmt = (x, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ms = (x) => (x === null || x === undefined ? '—' : fmt(x, x < 10 ? 2 : 1));
// autocannon's latency histogram has a resolution of 1 ms (values are truncated).
const lat = (x) => (x === null || x === undefined ? '—' : x < 1 ? '< 1' : fmt(x, 0));
const ratio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${fmt(x, 2)} ×`);
const verdict = (p) => (p === true ? '**pass**' : p === false ? '**FAIL**' : 'n/a');

function throughputRows(cases, order) {
  const rows = [];
  for (const key of order) {
    const c = cases[key];
    if (!c) continue;
    if (!c.available || !c.median) {
      rows.push(`| ${c.label} | ${c.reason ?? 'not measured'} | | | | | |`);
      continue;
    }
    const notes = [];
    if (c.otherCpu !== null && c.otherCpu !== undefined) notes.push(`other processes: ${fmt(c.otherCpu * 100)}% CPU`);
    const slowPrimer = Math.max(0, ...c.runs.map((r) => r.primerMs ?? 0));
    if (slowPrimer >= 250) notes.push(`the lone request before one run took ${fmt(slowPrimer)} ms`);
    if (c.ratioFloor) notes.push(`${ratio(c.ratioFloor)} the NestJS route shaped like it`);
    if (c.unexpected) notes.push(`${fmt(c.unexpected)} unexpected answers or errors of ${fmt(c.completed)}`);
    const baseline = c.baseline === 'oidc.token' ? ' (vs its /token)' : c.baseline === 'oidc.introspect' ? ' (vs its introspection)' : '';
    rows.push(`| ${c.label} | ${fmt(c.median.rps)} | ${lat(c.median.p50)} | ${lat(c.median.p99)} | ${ratio(c.ratioBare)} | ${c.baseline ? ratio(c.ratioOidc) + baseline : '—'} | ${notes.join('; ')} |`);
  }
  return rows;
}

const KIT_LABELS = {
  jose: "jose `jwtVerify` alone (the server's JWKS as a local key set, the kit's claim checks)",
  kit: 'the kit: `createTokenVerifier(…).verify` (JWT, then its status list entry)',
  middleware: 'the kit through `bearerMiddleware` (Express / node:http)',
  guard: 'the kit through `BearerTokenGuard` (NestJS)',
};

function statusListSection(L, sl) {
  L.push('## Token Status List', '');
  L.push('`GET /statuslists/{id}` is in the throughput table. Here: the resource-server kit (libs/resource-server) checking a token in process, and the size of a list.', '');
  L.push('### The resource-server kit, per check', '');
  const k = sl?.kit;
  if (!k?.available) L.push(`${k?.reason ?? 'not measured'}`);
  else {
    L.push(`${k.tokens} client_credentials JWT access tokens (ES256) issued by the server under test, each naming its status list, checked in turn in one process (Node.js ${k.node}, jose ${k.jose}), ${k.concurrency} checks in flight; the kit's caches warm (its JWKS and the status list fetched once; a token revoked through RFC 7009 was refused first, so the list is read). ${fmt(k.verifies)} checks per run, ${k.rounds} rounds, the order of the rows rotating from round to round; medians. CPU is the whole process's (jose's signature check runs on libuv's pool); "added" is the row's main-thread time minus jose's in the same round, over jose's CPU time: the signature work is jose's in every row, what the kit adds runs on the main thread. Other processes used ${fmt((k.otherCpu ?? 0) * 100)}% of the machine meanwhile.`, '');
    L.push('| check | CPU µs | main thread µs | wall µs | CPU × jose | wall × jose | added |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, v] of Object.entries(k.variants)) {
      L.push(`| ${KIT_LABELS[name] ?? name} | ${fmt(v.cpuUs, 1)} | ${fmt(v.mainUs, 1)} | ${fmt(v.wallUs, 1)} | ${ratio(v.cpuRatio)} | ${ratio(v.wallRatio)} | ${name === 'jose' ? '—' : `${fmt(v.added * 100, 1)}%`} |`);
    }
  }
  L.push('', '### Size of a list', '');
  const s = sl?.size;
  if (!s?.available) L.push(`${s?.reason ?? 'not measured'}`);
  else {
    L.push(`1% of the indexes INVALID, chosen at random (a fixed seed), encoded and signed by the server's own \`StatusListPublisher\` (issuer \`${s.issuer}\`, ES256, the claims it serves), no HTTP: "token" is the body of \`GET /statuslists/{id}\`, "gzipped" the body with \`Accept-Encoding: gzip\`. The server stores ${s.serverBits} bits per token (VALID, INVALID, SUSPENDED); the 1-bit row encodes the same statuses with the same encoder, for the draft's size table (about 14 KB for 1,000,000 tokens at 1%).`, '');
    L.push('| list | tokens | revoked | bits | bytes before compression | `lst` compressed | `lst` base64url | token | gzipped | encode and sign ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const row = (label, x) => `| ${label} | ${fmt(x.entries)} | ${fmt(x.revoked ?? Math.round(x.entries * s.revokedShare))} | ${x.bits} | ${fmt(x.rawBytes)} | ${fmt(x.lstBytes)} | ${fmt(x.lstChars)} | ${x.jwtBytes ? fmt(x.jwtBytes) : '—'} | ${x.gzipBytes ? fmt(x.gzipBytes) : '—'} | ${x.publishMs !== undefined ? fmt(x.publishMs, 1) : '—'} |`;
    L.push(row('as served', s.served), row('as served, one list at the default capacity (STATUS_LIST_CAPACITY)', s.servedDefaultCapacity), row('1 bit, the draft\'s table', s.oneBit));
  }
  L.push('');
}

export function writeReports(results, { mdPath, jsonPath, root }) {
  const m = results.meta;
  const cfg = results.config;
  const L = [];
  L.push('# Benchmarks', '');
  L.push(`Produced by \`npm run bench\` (bench/run.mjs); raw numbers in \`${relative(root, jsonPath)}\`. How to run it and what each figure means: docs/benchmarks.md.`, '');
  L.push('| | |', '| --- | --- |');
  L.push(`| date | ${m.date} (${m.mode} mode) |`);
  L.push(`| CPU | ${m.cpuModel}, ${m.cpuCount} cores (load generator, servers and store on the same machine) |`);
  L.push(`| memory | ${m.memoryGiB} GiB |`);
  L.push(`| load average (1, 5, 15 min) | ${m.loadAvgAtStart?.join(', ')} at start; ${m.loadAvgAtEnd?.join(', ')} at the end |`);
  L.push(`| Node.js | ${m.node} (${m.platform}) |`);
  L.push(`| this server | ${m.server.name} ${m.server.version}, commit ${m.server.commit}${m.server.ref ? ` (BENCH_REF=${m.server.ref}: exported with git archive and built clean)` : m.server.uncommittedServerChanges ? ' plus uncommitted changes in apps/ or libs/' : ''}; production mode, LOG_LEVEL=warn, every other setting at its default (the audit log goes to a file in the temp directory) |`);
  L.push(`| store | ${m.store}${m.redis ? ' + Redis' : ''} |`);
  L.push(`| oidc-provider | ${m.oidcProvider} (in-memory adapter, one client_secret_basic client, opaque client_credentials tokens) |`);
  L.push(`| autocannon | ${m.autocannon}: ${cfg.connections} connections, ${cfg.durationS} s per run after a ${cfg.warmupS} s warm-up per target, ${cfg.rounds} round(s) interleaved A B A B…, medians |`);
  if (m.mode === 'quick') L.push('', '**Quick mode** (smoke test): short runs, one round, smaller data sets; not a measurement to quote.');
  L.push('');

  L.push('## Throughput', '');
  L.push('Every row ran in each round, in this order, one after the other; req/s, p50 and p99 are medians over the rounds. Each ratio is the median over rounds of the row\'s req/s divided by the reference\'s req/s **in the same round**. Rows of this server are compared with oidc-provider\'s `/token` for issuance and with its introspection for the other checks. Latencies come from autocannon\'s histogram (1 ms resolution). Before every run one request of the same kind is sent alone and its time kept (\`primerMs\` in the JSON); the notes name it when it took 250 ms or more (a cache refilled, or the server busy with earlier work). The bare server\'s figure is also bounded by the load generator, which shares the machine. "other processes" is the share of the whole machine (all cores) that processes outside this benchmark used during the row\'s runs (median; on PostgreSQL it includes the database server): when it is high, the figures are disturbed.', '');
  L.push('| target | req/s | p50 ms | p99 ms | × bare | × oidc-provider | notes |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  L.push(...throughputRows(results.throughput.cases, Object.keys(results.throughput.cases)));
  const big = results.bigList;
  if (big?.cases) {
    L.push('', `With ${fmt(big.listSize)} SRIs on the revocation list (server restarted on that store; bare server interleaved again):`, '');
    L.push('| target | req/s | p50 ms | p99 ms | × bare | × oidc-provider | notes |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    L.push(...throughputRows(big.cases, Object.keys(big.cases)));
  } else if (big) {
    L.push('', `With ${fmt(big.listSize)} listed SRIs: status check ${big.reason ?? 'not measured'}.`);
  }
  L.push('');

  L.push('## Targets (issue 7)', '');
  L.push('| target | goal | measured | result | note |', '| --- | --- | --- | --- | --- |');
  for (const t of results.targets) L.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${verdict(t.pass)} | ${t.note ?? ''} |`);
  L.push('');

  statusListSection(L, results.statusList);
  ssfSection(L, results.ssf);

  L.push('## Global token revocation, time per call', '');
  const g = results.globalRevocation;
  if (!g?.available) L.push(`${g?.reason ?? 'not measured'}`);
  else {
    L.push(`\`POST ${'/jans-auth/restv1/global-token-revocation'}\` with \`client_secret_basic\`, one user per call (a fresh user for every call, sizes interleaved), round trip on a warm keep-alive connection. "effective" means an access token the user held before the call introspects inactive after it.`, '');
    L.push('| tokens | sessions | calls | median ms | min ms | max ms | effective |', '| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const s of Object.values(g.sizes)) L.push(`| ${fmt(s.tokens)} | ${fmt(s.sessions)} | ${s.calls.length}${s.failures ? ` (${s.failures} failed)` : ''} | ${ms(s.medianMs)} | ${ms(s.minMs)} | ${ms(s.maxMs)} | ${s.effective ? 'yes' : '**no**'} |`);
  }
  L.push('');

  L.push('## Sign-in capacity', '');
  const si = results.signInCapacity;
  if (!si?.available) L.push(`${si?.reason ?? 'not measured'}`);
  else {
    L.push(`Password grants (\`POST /token\`, a different user each, scrypt N=2^17) from ${si.connections} connections for ${si.seconds} s, hashing at its defaults (\`HASH_CONCURRENCY\`, \`HASH_QUEUE\`), with two connections of status checks (\`GET revokedSris/{id}\`) beside them. Keycloak documents about 15 password logins per second per vCPU.`, '');
    L.push('| sign-ins/s | per vCPU | p50 ms | p99 ms | shed (503) | slowest answer ms | status check p50 ms | status check p99 ms |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    L.push(`| ${fmt(si.perSecond, 1)} | ${fmt(si.perSecondPerVcpu, 1)} | ${fmt(si.okP50Ms)} | ${fmt(si.okP99Ms)} | ${fmt(si.shed)} of ${fmt(si.answers)} | ${fmt(si.slowestMs)} | ${ms(si.statusP50Ms)} | ${ms(si.statusP99Ms)} |`);
  }
  L.push('');

  L.push('## Memory and start-up', '');
  L.push('| | value |', '| --- | ---: |');
  const mem = (x) => (x?.rssMiB ? `${fmt(x.rssMiB)} MiB RSS (peak ${fmt(x.peakRssMiB)} MiB)` : '—');
  L.push(`| after restart on the seeded store | ${mem(results.memory.afterSeededStart)} |`);
  L.push(`| after the throughput rounds | ${mem(results.memory.afterThroughput)} |`);
  if (big) {
    L.push(`| after restart with ${fmt(big.listSize)} listed SRIs | ${mem(big.memory?.afterStart)} |`);
    L.push(`| after the status-check load on that list | ${mem(big.memory?.afterLoad)} |`);
  }
  for (const [k, s] of Object.entries(results.startup)) L.push(`| start-up to first 200 from /health: ${k}${s.note ? ` (${s.note})` : s.listSize ? ` (${fmt(s.listSize)} listed SRIs)` : ''} | ${fmt(s.ms / 1000, 2)} s |`);
  L.push('');

  L.push('## Propagation between two instances', '');
  const p = results.propagation;
  if (!p?.measured) L.push(`Not measured: ${p?.reason ?? 'skipped'}.`);
  else {
    L.push(`Two server processes on one PostgreSQL database${p.redis ? ' and Redis' : ''}. The delay runs from instance A's answer to the revocation until instance B's first answer that shows it (B polled back to back).`, '');
    L.push('| revocation | samples | p50 ms | p99 ms | max ms | never seen (5 s) |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const v of Object.values(p.kinds)) L.push(`| ${v.label} | ${v.samples} | ${ms(v.p50Ms)} | ${ms(v.p99Ms)} | ${ms(v.maxMs)} | ${v.neverSeen} |`);
  }
  L.push('');

  L.push('## Data', '');
  const s = results.seeding;
  L.push(`- Provisioning: ${s.importFileHonoured ? 'through IMPORT_FILE' : 'IMPORT_FILE not honoured by this build; clients and users written straight into the store'}.`);
  if (s.introspection) L.push(`- Introspection pools: ${s.introspection.valid} valid JWT access tokens (password logins then refresh rotations, bound to user sessions, so every check runs) and ${s.introspection.revoked} revoked ones (${Object.entries(s.introspection.revokedBy).filter(([, n]) => n).map(([k, n]) => `${n} by ${k === 'rfc7009' ? 'RFC 7009 /revoke' : k === 'sri' ? 'listing their SRI' : 'global revocation of their user'}`).join(', ')}).`);
  if (s.store) L.push(`- Store after seeding: ${fmt(s.store.issuedTokens)} issued tokens, ${fmt(s.store.sessions)} sessions, ${fmt(s.store.listedSris)} listed SRIs (multi-row INSERTs while the server was stopped).`);
  L.push('- Status check: 1,000 distinct ids per run, alternately a listed SRI and the SRI of a live, unlisted session.');
  for (const n of results.notes) L.push(`- ${n}`);
  L.push('');

  mkdirSync(dirname(mdPath), { recursive: true });
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(mdPath, `${L.join('\n')}\n`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  return [relative(root, mdPath) || mdPath, relative(root, jsonPath) || jsonPath];
}
