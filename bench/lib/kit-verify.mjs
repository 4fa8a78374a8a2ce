// The resource-server kit's check of one access token, in process, against jose's jwtVerify alone
// on the same tokens and keys: what the kit adds (its Token Status List lookup, the RFC 9068 claim
// checks, the adapters) to the signature check every JWT verifier pays.
//
// Run by bench/phases/status-list.mjs as a child process, with `node --expose-gc`, so its heap and
// event loop hold nothing but the verifications. KIT_BENCH_FILE names a JSON file:
// { kitDir, issuer, tokens, revokedToken, rounds, verifies, warmup, concurrency, out? }. The tokens come
// from the server under test (client_credentials JWTs, each naming its status list); the kit
// fetches that server's JWKS and status list once, then answers from its caches (a warm cache,
// refreshed in the background at 80% of the list's ttl as in production). Writes one line of JSON
// to `out` (stdout without it).
//
// Each variant runs `verifies` checks, `concurrency` at a time, once per round; the order of the
// variants rotates from round to round, and a full GC precedes each run, so no run pays for the
// garbage of the one before. Per run: wall time and process CPU time (all threads: WebCrypto's
// signature checks run on libuv's pool) divided by the checks.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const cfg = JSON.parse(readFileSync(process.env.KIT_BENCH_FILE, 'utf8'));
// Resolve everything from the compiled kit, so jose and Nest are the instances the kit uses.
const require = createRequire(join(cfg.kitDir, 'index.js'));
require('reflect-metadata');
const kit = require(cfg.kitDir);
const { BearerTokenGuard } = require(join(cfg.kitDir, 'nest.js'));
const { Reflector } = require('@nestjs/core');
const jose = require('jose');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// RFC 9068 §2.2, as the kit asks them (token-verifier.ts).
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/**
 * A verifier whose caches hold the JWKS and the status list, once that list shows the revoked
 * token as revoked (the server re-signs a changed list within a few hundred ms): proof that the
 * check being measured reads the list.
 */
async function warmVerifier(options) {
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    const verifier = kit.createTokenVerifier(options);
    try {
      await verifier.verify(cfg.revokedToken);
      last = 'accepted';
    } catch (err) {
      if (err.code === 'token_revoked') return verifier;
      last = `${err.code ?? err.name}: ${err.message}`;
    }
    await sleep(250);
  }
  throw new Error(`the kit did not refuse a token revoked through RFC 7009 within 15 s (last: ${last})`);
}

function variants(verifier, jwks, options) {
  const joseOptions = {
    typ: 'at+jwt', issuer: options.issuer, audience: [options.audience], algorithms: [...kit.DEFAULT_ALGORITHMS], requiredClaims: REQUIRED_CLAIMS, clockTolerance: 30,
  };
  const middleware = kit.bearerMiddleware(verifier);
  const guard = new BearerTokenGuard(verifier, {}, new Reflector());
  class Controller {}
  const handler = function list() {};
  const response = { header: () => undefined };
  return {
    jose: async (token) => {
      const { payload } = await jose.jwtVerify(token, jwks, joseOptions);
      if (typeof payload.jti !== 'string') throw new Error('jose: no jti');
    },
    kit: async (token) => {
      const { payload } = await verifier.verify(token);
      if (typeof payload.jti !== 'string') throw new Error('kit: no jti');
    },
    middleware: (token, authorization) => new Promise((resolve, reject) => {
      const req = { headers: { authorization } };
      const res = { writeHead: (status) => (reject(new Error(`middleware answered ${status}`)), { end() {} }) };
      middleware(req, res, (err) => (err ? reject(err) : req.accessToken ? resolve() : reject(new Error('middleware: no accessToken'))));
    }),
    guard: async (token, authorization) => {
      const req = { headers: { authorization } };
      const context = { getType: () => 'http', getHandler: () => handler, getClass: () => Controller, switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }) };
      if ((await guard.canActivate(context)) !== true || !req.accessToken) throw new Error('guard: refused');
    },
  };
}

/** CPU time of this process's main thread so far, in ns (Linux; null elsewhere): the JavaScript side of a check, without the pool's signature work. */
function mainThreadNs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

async function run(check, tokens, headers, count, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++ % tokens.length;
      await check(tokens[i], headers[i]);
    }
  };
  global.gc?.();
  await sleep(20);
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadNs();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const main1 = mainThreadNs();
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: wallNs / 1e3 / count, cpuUs: (cpu.user + cpu.system) / count, mainUs: main0 === null ? null : (main1 - main0) / 1e3 / count };
}

async function main() {
  const discovery = await getJson(`${cfg.issuer}/.well-known/openid-configuration`);
  const jwksUri = discovery.jwks_uri ?? `${cfg.issuer}/jwks`;
  const options = { issuer: cfg.issuer, audience: cfg.issuer, jwksUri, allowedOrigins: [new URL(cfg.issuer).origin] };
  const verifier = await warmVerifier(options);
  const jwks = jose.createLocalJWKSet(await getJson(jwksUri));
  const checks = variants(verifier, jwks, options);
  const { tokens } = cfg;
  const headers = tokens.map((t) => `Bearer ${t}`);
  // Every variant must accept every token before anything is timed.
  for (const [name, check] of Object.entries(checks)) {
    for (let i = 0; i < tokens.length; i++) {
      try {
        await check(tokens[i], headers[i]);
      } catch (err) {
        throw new Error(`${name} refused a valid token: ${err.code ?? ''} ${err.message}`);
      }
    }
  }
  const names = Object.keys(checks);
  for (const name of names) await run(checks[name], tokens, headers, cfg.warmup, cfg.concurrency);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < cfg.rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      runs[name].push({ round, ...(await run(checks[name], tokens, headers, cfg.verifies, cfg.concurrency)) });
    }
  }
  // Its own user CPU, which the bench takes out of "other processes" (this child is gone when the bench reads /proc).
  const cpuUserUs = process.cpuUsage().user;
  const result = `${JSON.stringify({ node: process.version, jose: require('jose/package.json').version, concurrency: cfg.concurrency, verifies: cfg.verifies, jwksUri, cpuUserUs, runs })}\n`;
  if (cfg.out) writeFileSync(cfg.out, result);
  else process.stdout.write(result);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
