// Phase: seeding through the HTTP API. Real JWT access tokens bound to user sessions for
// introspection, half of them then revoked (RFC 7009, SRI listing, global revocation) and all
// checked; a real access token for every global revocation user, to check each call's effect.
import { login, introspect, listSri, revoke, revokeUser, sessionTokens } from '../lib/api.mjs';
import { log } from '../lib/context.mjs';

/** Tokens of `user`, `total` in all, at most `perSession` per session. */
async function sessionsOf(ctx, user, total, perSession) {
  const out = [];
  let have = 0;
  while (have < total) {
    const s = await sessionTokens(ctx, user, Math.min(perSession, total - have));
    out.push(s);
    have += s.tokens.length;
  }
  return out;
}

export async function seedHttp(ctx) {
  const { results, data } = ctx;
  const t0 = Date.now();
  const intro = Object.fromEntries(ctx.users.filter((u) => u.role === 'intro').map((u) => [u.uid, u]));
  const per = ctx.cfg.introTokensPerPool;
  const valid = await sessionsOf(ctx, intro['intro-valid'], per, 50);
  data.introValid = valid.flatMap((s) => s.tokens);
  const viaRfc7009 = (await sessionsOf(ctx, intro['intro-rfc7009'], Math.ceil(per / 2), 50)).flatMap((s) => s.tokens);
  for (const t of viaRfc7009) {
    const r = await revoke(ctx, t);
    if (r.status !== 200) throw new Error(`POST /revoke answered ${r.status} ${r.text.slice(0, 200)}`);
  }
  const revokedHow = { rfc7009: viaRfc7009.length, sri: 0, global: 0 };
  const viaSri = await sessionTokens(ctx, intro['intro-sri'], Math.ceil(per / 4));
  const viaGlobal = await sessionTokens(ctx, intro['intro-global'], per - viaRfc7009.length - viaSri.tokens.length);
  const revokeAll = async (tokens) => {
    for (const t of tokens) await revoke(ctx, t);
    revokedHow.rfc7009 += tokens.length;
  };
  const sriPost = await listSri(ctx, viaSri.sri);
  if (sriPost.status === 201) revokedHow.sri = viaSri.tokens.length;
  else await revokeAll(viaSri.tokens);
  const gtrPost = await revokeUser(ctx, 'intro-global');
  if (gtrPost.status === 204) revokedHow.global = viaGlobal.tokens.length;
  else await revokeAll(viaGlobal.tokens);
  data.introRevoked = [...viaRfc7009, ...viaSri.tokens, ...viaGlobal.tokens];
  // Every "revoked" token must introspect inactive, every "valid" one active, before any load.
  for (const t of data.introRevoked) if ((await introspect(ctx, t)).active !== false) throw new Error('bench: a token revoked during seeding still introspects active');
  for (const t of data.introValid) if ((await introspect(ctx, t)).active !== true) throw new Error('bench: a freshly issued token does not introspect active');
  results.seeding.introspection = { valid: data.introValid.length, revoked: data.introRevoked.length, revokedBy: revokedHow };
  if (!revokedHow.sri) results.notes.push('Revoked introspection pool: the SRI-listing share was revoked through RFC 7009 instead (revokedSris POST not available).');
  if (!revokedHow.global) results.notes.push('Revoked introspection pool: the global-revocation share was revoked through RFC 7009 instead (global token revocation not available).');
  for (const u of ctx.users.filter((x) => x.role === 'gtr')) data.gtrTokens.set(u.uid, (await login(ctx, u)).access_token);
  results.seeding.httpMs = Date.now() - t0;
  log(`seeded through HTTP in ${results.seeding.httpMs} ms: ${data.introValid.length} valid and ${data.introRevoked.length} revoked JWTs (${JSON.stringify(revokedHow)})`);
}
