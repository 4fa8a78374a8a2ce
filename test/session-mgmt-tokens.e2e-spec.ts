import request from 'supertest';
import { decodeJwt } from 'jose';
import { SESSION_ENDED_BY_SRI_LIST } from '@app/auth';
import { RevokedSriEntity, Transactor } from '@app/store';
import { introspect, seedClient, seedUser } from './support/fixtures';
import {
  listEntry, login, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, sessionRow, setSessionValidation, updateSession,
} from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

const addToList = (t: TestApp, sri: string) =>
  request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send({ id: sri });

const refresh = (t: TestApp, clientId: string, secret: string, refreshToken: string) =>
  request(t.server).post('/token').auth(clientId, secret).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken });

/** What a listed SRI does to the tokens bound to it, under each client's session validation policy. */
describe('Session revocation list and token validation', () => {
  let t: TestApp;
  const rp = { client_id: 'rp1', client_secret: 'rp1-secret' };

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, SEED_CLIENT);
    await seedClient(t, rp);
    await seedClient(t, { client_id: 'lenient', client_secret: 'lenient-secret' });
    await seedClient(t, { client_id: 'authn-checker', client_secret: 'authn-secret' });
    await seedClient(t, { client_id: 'no-sri', client_secret: 'no-sri-secret' });
    await setSessionValidation(t, 'lenient', { check_session_revocation_status: false });
    await setSessionValidation(t, 'authn-checker', { check_session_revocation_status: false, check_valid_authn_session: true, update_authn_session_activity: true });
    await setSessionValidation(t, 'no-sri', { include_session_id: false });
    await seedUser(t, 'breakfast', 'a-password');
  });
  afterAll(async () => { await t.close(); });

  it('makes every token bound to a listed SRI introspect {"active":false}, fails its refresh token with invalid_grant, and ends the session', async () => {
    const tokens = await login(t, rp, 'breakfast', 'a-password');
    expect(decodeJwt(tokens.accessToken)['pi.sri']).toBe(tokens.sri);
    const before = await introspect(t, rp, tokens.accessToken);
    expect(before).toMatchObject({ active: true, 'pi.sri': tokens.sri });
    expect((await introspect(t, rp, tokens.refreshToken)).active).toBe(true);

    expect((await addToList(t, tokens.sri)).status).toBe(201);

    expect(await introspect(t, rp, tokens.accessToken)).toEqual({ active: false });
    expect(await introspect(t, rp, tokens.refreshToken)).toEqual({ active: false });
    const refreshed = await refresh(t, 'rp1', 'rp1-secret', tokens.refreshToken);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    // The session itself ends: revoked in the store, so it cannot be used to sign in silently.
    const session = await sessionRow(t, tokens.sri);
    expect(session).toMatchObject({ revokedReason: SESSION_ENDED_BY_SRI_LIST, revokedBy: 'ac_oic_client' });
    expect(session!.revokedAt).not.toBeNull();
    expect(await listEntry(t, tokens.sri)).toMatchObject({ revokedBy: 'ac_oic_client' });
  });

  it('leaves the tokens of a client with check_session_revocation_status off active (PingFederate\'s default), as the policy says', async () => {
    const lenient = { client_id: 'lenient', client_secret: 'lenient-secret' };
    const tokens = await login(t, lenient, 'breakfast', 'a-password');
    expect((await addToList(t, tokens.sri)).status).toBe(201);
    expect((await introspect(t, lenient, tokens.accessToken)).active).toBe(true);
    const refreshed = await refresh(t, 'lenient', 'lenient-secret', tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    // Still ended as a session.
    expect((await sessionRow(t, tokens.sri))!.revokedAt).not.toBeNull();
  });

  it('ends the tokens through check_valid_authn_session even with the revocation status check off', async () => {
    const checker = { client_id: 'authn-checker', client_secret: 'authn-secret' };
    const tokens = await login(t, checker, 'breakfast', 'a-password');
    expect((await introspect(t, checker, tokens.accessToken)).active).toBe(true);
    expect((await addToList(t, tokens.sri)).status).toBe(201);
    expect(await introspect(t, checker, tokens.accessToken)).toEqual({ active: false });
  });

  it('update_authn_session_activity: validating a token extends its session, written only when less than 75% of the idle window remains', async () => {
    const checker = { client_id: 'authn-checker', client_secret: 'authn-secret' };
    const tokens = await login(t, checker, 'breakfast', 'a-password');
    const fresh = (await sessionRow(t, tokens.sri))!;
    await introspect(t, checker, tokens.accessToken);
    expect((await sessionRow(t, tokens.sri))!.lastActivityAt).toBe(fresh.lastActivityAt); // 100% left: no write
    const aged = Date.now() - 10 * 60_000; // 10 of 30 minutes gone
    await updateSession(t, tokens.sri, { lastActivityAt: aged });
    await introspect(t, checker, tokens.accessToken);
    const extended = (await sessionRow(t, tokens.sri))!.lastActivityAt;
    expect(extended).toBeGreaterThan(aged + 9 * 60_000);
    await introspect(t, checker, tokens.accessToken);
    expect((await sessionRow(t, tokens.sri))!.lastActivityAt).toBe(extended);
  });

  it('include_session_id off: the access token carries no sid or pi.sri (the ID token still does), and listing the SRI still reaches it', async () => {
    const noSri = { client_id: 'no-sri', client_secret: 'no-sri-secret' };
    const tokens = await login(t, noSri, 'breakfast', 'a-password');
    const claims = decodeJwt(tokens.accessToken);
    expect(claims['pi.sri']).toBeUndefined();
    expect(claims.sid).toBeUndefined();
    expect(decodeJwt(tokens.idToken)['pi.sri']).toBe(tokens.sri);
    expect((await addToList(t, tokens.sri)).status).toBe(201);
    expect(await introspect(t, noSri, tokens.accessToken)).toEqual({ active: false });
  });

  it('keeps a token inactive after its list entry expired: the session it was bound to stays ended', async () => {
    const tokens = await login(t, rp, 'breakfast', 'a-password');
    expect((await addToList(t, tokens.sri)).status).toBe(201);
    await t.app.get(Transactor).run((em) => em.createQueryBuilder().delete().from(RevokedSriEntity).execute());
    expect(await introspect(t, rp, tokens.accessToken)).toEqual({ active: false });
  });
});
