// Calls to the server under test: its paths, credentials, and the few requests seeding and
// checking make one at a time.
import { basic, form, request } from './http.mjs';
import { primary } from './server.mjs';

export const PF = '/pf-ws/rest/sessionMgmt/revokedSris';
export const GTR = '/jans-auth/restv1/global-token-revocation';

export const rsAuth = (ctx) => ({ authorization: basic(ctx.clients.rs.id, ctx.clients.rs.secret) });
export const formHeaders = (auth) => ({ ...auth, 'content-type': 'application/x-www-form-urlencoded' });
export const pfHeaders = (ctx) => ({ ...rsAuth(ctx), 'x-xsrf-header': 'bench' });
const jwtClaims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

export const gtrBody = (uid) => ({ sub_id: { format: 'uid', id: uid } });
export const gtrHeaders = (ctx) => ({ authorization: basic(ctx.clients.gtr.id, ctx.clients.gtr.secret), 'content-type': 'application/json' });

export async function tokenCall(ctx, params, auth = rsAuth(ctx), port = primary(ctx)) {
  const r = await request(port, 'POST', '/token', { headers: formHeaders(auth), body: form(params) });
  if (r.status !== 200 || !r.json?.access_token) throw new Error(`POST /token ${params.grant_type} answered ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

export async function login(ctx, user) {
  const t = await tokenCall(ctx, { grant_type: 'password', username: user.uid, password: user.password, scope: 'openid profile' });
  return { ...t, sri: jwtClaims(t.access_token)['pi.sri'] };
}

/** `count` access tokens of one session: a password login then refreshes (rotation). */
export async function sessionTokens(ctx, user, count) {
  const first = await login(ctx, user);
  const out = [first.access_token];
  let refresh = first.refresh_token;
  while (out.length < count) {
    const t = await tokenCall(ctx, { grant_type: 'refresh_token', refresh_token: refresh });
    out.push(t.access_token);
    refresh = t.refresh_token;
  }
  return { tokens: out, sri: first.sri };
}

export async function introspect(ctx, token, port = primary(ctx)) {
  const r = await request(port, 'POST', '/introspect', { headers: formHeaders(rsAuth(ctx)), body: form({ token }) });
  if (r.status !== 200) throw new Error(`POST /introspect answered ${r.status} ${r.text.slice(0, 200)}`);
  return r.json;
}

/** RFC 7009 revocation on the primary server; the raw answer. */
export const revoke = (ctx, token, port = primary(ctx)) => request(port, 'POST', '/revoke', { headers: formHeaders(rsAuth(ctx)), body: form({ token }) });

/** POST revokedSris { id }; the raw answer. */
export const listSri = (ctx, id, port = primary(ctx)) => request(port, 'POST', PF, { headers: { ...pfHeaders(ctx), 'content-type': 'application/json' }, body: { id } });

/** Global token revocation of the user `uid`; the raw answer. */
export const revokeUser = (ctx, uid, port = primary(ctx)) => request(port, 'POST', GTR, { headers: gtrHeaders(ctx), body: gtrBody(uid) });
