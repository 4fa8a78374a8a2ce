// The bench's data: the users and clients it provisions, and the rows it writes straight into
// the store (listed SRIs, sessions, issued tokens) with multi-row INSERTs while the server is
// stopped. Everything it makes is kept on the context.
import { createHash, randomBytes, randomUUID, scrypt as scryptCb } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export const SESSION_COLS = ['id', 'sri', 'user_id', 'client_ids', 'authn_source', 'created_at', 'last_activity_at', 'idle_timeout', 'max_lifetime', 'sri_sealed'];
const TOKEN_COLS = ['id', 'type', 'client_id', 'user_id', 'session_id', 'scope', 'family_id', 'issued_at', 'expires_at'];
const SRI_COLS = ['sri', 'created_at', 'expires_at', 'revoked_by'];

/** ctx.users: the introspection users, a warm-up user and one user per global revocation call, the status holder. */
export function planUsers(ctx) {
  const { cfg, users, userPassword: password } = ctx;
  for (const uid of ['intro-valid', 'intro-rfc7009', 'intro-sri', 'intro-global']) users.push({ uid, sub: `bench-${uid}`, password, role: 'intro' });
  users.push({ uid: 'gtr-warm', sub: 'bench-gtr-warm', password, role: 'gtr-warm', size: 10 });
  for (let rep = 0; rep < cfg.gtrReps; rep++) {
    for (const size of cfg.gtrSizes) users.push({ uid: `gtr-${size}-${rep}`, sub: `bench-gtr-${size}-${rep}`, password, role: 'gtr', size, rep });
  }
  users.push({ uid: 'status-holder', sub: 'bench-status-holder', role: 'status' });
}

/** Sessions of a global revocation user holding `size` tokens (the largest gets cfg.gtrSessionsLargest). */
export function sessionsFor(cfg, size) {
  return Math.max(1, Math.round((size * cfg.gtrSessionsLargest) / cfg.gtrSizes[cfg.gtrSizes.length - 1]));
}

export function clientsOf(ctx) {
  const { rs, ref, gtr } = ctx.clients;
  return [
    {
      client_id: rs.id, client_secret: rs.secret, token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['password', 'refresh_token', 'client_credentials'], scopes: ['openid', 'profile', 'api', 'ssf.manage'],
      session_revocation_api: true, session_management_api: true, redirect_uris: [], backchannel_logout_uri: null,
    },
    {
      client_id: ref.id, client_secret: ref.secret, token_endpoint_auth_method: 'client_secret_basic', access_token_format: 'reference',
      grant_types: ['client_credentials'], scopes: ['api'], session_revocation_api: false, session_management_api: false, redirect_uris: [], backchannel_logout_uri: null,
    },
    {
      client_id: gtr.id, client_secret: gtr.secret, token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'], scopes: ['global_token_revocation'],
      session_revocation_api: false, session_management_api: false, redirect_uris: [], backchannel_logout_uri: null,
    },
  ];
}

/** The IMPORT_FILE of the first start. */
export function importFile(ctx) {
  return {
    clients: clientsOf(ctx),
    users: ctx.users.map((u) => ({ uid: u.uid, sub: u.sub, ...(u.password ? { password: u.password } : {}), attributes: { mail: `${u.uid}@bench.example` } })),
    feature_flags: { GLOBAL_TOKEN_REVOCATION: true },
  };
}

/** The server's own secret hasher from the build under test, else the same scrypt format. */
async function hashSecret(ctx, secret) {
  const hasher = join(ctx.appDir, 'dist', 'libs', 'auth', 'src', 'secrets', 'secret-hasher.js');
  if (existsSync(hasher)) {
    const mod = require(hasher);
    if (typeof mod.hashSecret === 'function') return mod.hashSecret(secret);
  }
  const salt = randomBytes(16);
  const N = 1 << 17;
  const key = await new Promise((ok, ko) => scryptCb(secret, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 }, (e, k) => (e ? ko(e) : ok(k))));
  return ['scrypt', N, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Fallback while IMPORT_FILE is not honoured: the same clients and users, written to the store. */
export async function seedClientsAndUsersDirectly(ctx, store) {
  const now = Date.now();
  const clientRows = [];
  for (const c of clientsOf(ctx)) {
    clientRows.push([
      c.client_id, c.client_id, await hashSecret(ctx, c.client_secret), c.token_endpoint_auth_method, JSON.stringify(c.grant_types), JSON.stringify(c.scopes),
      JSON.stringify(c.redirect_uris), store.bool(c.session_revocation_api), store.bool(c.session_management_api), now, now,
    ]);
  }
  await store.insertRows('client', ['client_id', 'client_name', 'secret_hash', 'token_endpoint_auth_method', 'grant_types', 'scopes', 'redirect_uris', 'session_revocation_api', 'session_management_api', 'created_at', 'updated_at'], clientRows);
  const users = ctx.users;
  const hashes = await Promise.all(users.map((u) => (u.password ? hashSecret(ctx, u.password) : null)));
  await store.insertRows('app_user', ['id', 'password_hash', 'created_at', 'updated_at'], users.map((u, i) => [u.sub, hashes[i], now, now]));
  const attrs = [];
  for (const u of users) attrs.push([u.sub, 'uid', u.uid], [u.sub, 'mail', `${u.uid}@bench.example`]);
  await store.insertRows('user_attribute', ['user_id', 'name', 'value'], attrs);
}

/** Sets u.id for every planned user from the store (whatever sub the import gave them). */
export async function resolveUserIds(ctx, store) {
  for (const u of ctx.users) {
    const rows = await store.query(`SELECT user_id FROM user_attribute WHERE name = 'uid' AND value = ?`, [u.uid]);
    if (rows.length !== 1) throw new Error(`bench: user ${u.uid} is ${rows.length ? 'ambiguous' : 'missing'} in the store after provisioning`);
    u.id = rows[0].user_id;
  }
}

const tokenIdNow = (t) => {
  const buf = Buffer.alloc(18);
  buf.writeUIntBE(t, 0, 6);
  randomBytes(12).copy(buf, 6);
  return buf.toString('base64url');
};
const newSri = () => randomBytes(24).toString('base64url');

/** ctx.sriCodec: the server's SriCodec with the SRI sealing key it generated in the store at its first start. */
export async function loadSriCodec(ctx, store) {
  const [{ value: key }] = await store.query(`SELECT value FROM server_secret WHERE name = 'sri_seal_key'`);
  // libs/sessions since it left libs/auth; a BENCH_REF commit from before has it at the old path.
  const [current, before] = [['sessions', 'src', 'tracking'], ['auth', 'src', 'sessions']].map((dir) => join(ctx.appDir, 'dist', 'libs', ...dir, 'sri-codec.service.js'));
  const { SriCodec } = require(existsSync(current) || !existsSync(before) ? current : before);
  ctx.sriCodec = new SriCodec({ key: async () => Buffer.from(key, 'base64url') });
  await ctx.sriCodec.load();
}

/** A live session row of `userId` whose SRI is sealed as the server's sign-ins seal them. */
export function sessionRow(ctx, store, userId, now) {
  // A sealed SRI holds the start time and 32 random bits: thousands of sessions of one user
  // started in the same millisecond could collide, as real sign-ins cannot. One ms apart each.
  const createdAt = now - 60_000 - (ctx.sessionSeq++ % 600_000);
  return [randomUUID(), ctx.sriCodec.seal(userId, createdAt), userId, JSON.stringify([ctx.clients.rs.id]), 'password', createdAt, now - 1_000, 8 * 3600, 8 * 3600, store.bool(true)];
}

/** `tokens` tokens (access and refresh, alternately) spread over `sessions` sessions of one user. */
export async function seedUserHoldings(ctx, store, userId, tokens, sessions) {
  const now = Date.now();
  const sessionRows = [];
  for (let i = 0; i < sessions; i++) sessionRows.push(sessionRow(ctx, store, userId, now));
  const tokenRows = [];
  for (let i = 0; i < tokens; i++) {
    const s = sessionRows[i % sessionRows.length];
    const issuedAt = now - 60_000 + (i % 50_000);
    const access = i % 2 === 0;
    tokenRows.push([
      access ? tokenIdNow(issuedAt) : createHash('sha256').update(randomBytes(32)).digest('base64url'),
      access ? 'access_token' : 'refresh_token', ctx.clients.rs.id, userId, s[0], 'openid profile', `fam-${s[0]}`, issuedAt,
      access ? now + 3600_000 : now + 30 * 86400_000,
    ]);
  }
  await store.insertRows('user_session', SESSION_COLS, sessionRows);
  await store.insertRows('issued_token', TOKEN_COLS, tokenRows);
}

/** Listed SRIs, with a lifetime far beyond the run, written straight into the list. */
export async function seedListedSris(store, count, createdAtBase) {
  const out = [];
  const now = Date.now();
  const rows = [];
  for (let i = 0; i < count; i++) {
    const sri = newSri();
    out.push(sri);
    rows.push([sri, createdAtBase + i, now + 480 * 60_000, 'bench-seed']);
  }
  await store.insertRows('revoked_sri', SRI_COLS, rows);
  return out;
}

/**
 * `count` users `signin-<i>` sharing one password, for the sign-in capacity phase: one hash
 * made by the build under test, written straight into the store (hashing each would take minutes).
 */
export async function seedSignInUsers(ctx, store, count) {
  const now = Date.now();
  const passwordHash = await hashSecret(ctx, ctx.userPassword);
  const users = Array.from({ length: count }, (_, i) => ({ uid: `signin-${ctx.runId}-${i}`, sub: `bench-signin-${ctx.runId}-${i}` }));
  await store.insertRows('app_user', ['id', 'password_hash', 'created_at', 'updated_at'], users.map((u) => [u.sub, passwordHash, now, now]));
  await store.insertRows('user_attribute', ['user_id', 'name', 'value'], users.map((u) => [u.sub, 'uid', u.uid]));
  return users.map((u) => ({ ...u, password: ctx.userPassword }));
}
