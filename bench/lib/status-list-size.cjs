// The size of a Status List Token as this server serves it, for a list of many tokens with a share
// revoked at random indexes: the server's own StatusListPublisher and ListState (from the build
// under test, SERVER_DIST) encode and sign it, so the figure is what GET /statuslists/{id} sends.
// No HTTP, no store. Run by bench/phases/status-list.mjs as a child process (its own heap; the
// server's modules stay out of the bench); prints one line of JSON.
//
//   SERVER_DIST=dist SIZE_ENTRIES=1000000 SIZE_REVOKED=0.01 node bench/lib/status-list-size.cjs
require('reflect-metadata');
const { join } = require('node:path');

const dist = (path) => require(join(process.env.SERVER_DIST ?? join(__dirname, '..', '..', 'dist'), path));
const { StatusListPublisher } = dist('libs/status-list/src/serving/status-list-publisher.service');
const { ListState } = dist('libs/status-list/src/state/list-state');
const { STATUS_LIST_BITS } = dist('libs/status-list/src/status-list.constants');
const { encodeStatusList, decodeStatusList, statusAt, StatusType } = dist('libs/resource-server/src/status-list/status-list');

const ENTRIES = Number(process.env.SIZE_ENTRIES ?? 1_000_000);
const REVOKED_SHARE = Number(process.env.SIZE_REVOKED ?? 0.01);
/** The default STATUS_LIST_CAPACITY: the size of the lists the server actually rolls over at. */
const DEFAULT_CAPACITY = 131_072;
// A realistic issuer; the bench's own is a loopback URL, shorter than any deployment's.
const ISSUER = 'https://auth.example.com';
const TTL = 60;

/** mulberry32: the same "random" indexes on every run, so two runs encode the same list. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct indexes below `size`. */
function randomIndexes(size, count, seed) {
  const next = prng(seed);
  const picked = new Set();
  while (picked.size < count) picked.add(Math.floor(next() * size));
  return [...picked];
}

async function signingKey() {
  const { generateKeyPair, exportJWK, calculateJwkThumbprint } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  // The server's kid is the key's JWK thumbprint (RFC 7638): 43 characters in the header.
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, kid };
}

/** One list of `size` indexes, `share` of them INVALID, through the publisher: the served token's sizes. */
async function served(publisher, size, share, seed) {
  const list = new ListState(1, size);
  const revoked = randomIndexes(size, Math.round(size * share), seed);
  for (const idx of revoked) list.set(idx, StatusType.INVALID);
  const started = process.hrtime.bigint();
  await publisher.publish(list, Date.now());
  const publishMs = Number(process.hrtime.bigint() - started) / 1e6;
  const token = publisher.get(1);
  // The list must read back as set, or the figure is not the size of a correct list.
  const decoded = decodeStatusList(list.encoded);
  if (!revoked.every((idx) => statusAt(decoded, idx) === StatusType.INVALID)) throw new Error('a revoked index does not read INVALID');
  const lstBytes = Buffer.from(list.encoded.lst, 'base64url').length;
  return {
    entries: size, revoked: revoked.length, bits: list.encoded.bits, rawBytes: decoded.bytes.length, lstBytes, lstChars: list.encoded.lst.length,
    jwtBytes: token.jwt.length, gzipBytes: token.gzip.length, publishMs: Math.round(publishMs * 10) / 10,
  };
}

/** The same statuses at 1 bit each (the draft's size table), with the same encoder. */
function oneBit(size, share, seed) {
  const statuses = new Uint8Array(size);
  for (const idx of randomIndexes(size, Math.round(size * share), seed)) statuses[idx] = StatusType.INVALID;
  const { lst } = encodeStatusList(statuses, 1);
  return { entries: size, bits: 1, rawBytes: Math.ceil(size / 8), lstBytes: Buffer.from(lst, 'base64url').length, lstChars: lst.length };
}

async function main() {
  const key = await signingKey();
  const keys = { current: () => ({ alg: 'ES256', kid: key.kid, privateKey: key.privateKey }) };
  const publisher = new StatusListPublisher({ issuer: ISSUER }, { ttl: TTL, capacity: ENTRIES, blockSize: 1024 }, keys);
  const seed = 0x5eed;
  const result = {
    issuer: ISSUER, serverBits: STATUS_LIST_BITS, revokedShare: REVOKED_SHARE,
    served: await served(publisher, ENTRIES, REVOKED_SHARE, seed),
    servedDefaultCapacity: await served(publisher, DEFAULT_CAPACITY, REVOKED_SHARE, seed),
    oneBit: oneBit(ENTRIES, REVOKED_SHARE, seed),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
