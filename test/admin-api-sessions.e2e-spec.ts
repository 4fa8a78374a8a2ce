import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { splitAuditLine } from '@app/audit';
import { SessionRepository } from '@app/store';
import { introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
// A back-channel logout receiver on a closed loopback port: a notification is queued all the same.
const RP = { client_id: 'rp1', client_secret: 'rp1-secret', backchannel_logout_uri: 'http://127.0.0.1:9/bcl' };

describe('Admin API: revoking one session, and every session of a user', () => {
  let t: TestApp;
  let adminToken: string;

  const as = (method: 'get' | 'delete', path: string) => request(t.server)[method](path).set('Authorization', `Bearer ${adminToken}`);
  const signIn = async (uid: string, password: string) => {
    const res = await passwordLogin(t, RP, uid, password, 'openid');
    expect(res.status).toBe(200);
    return { access: res.body.access_token as string, refresh: res.body.refresh_token as string, sid: decodeJwt(res.body.id_token).sid as string };
  };
  const refresh = (token: string) => request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: token });
  const listedSris = async () => ((await t.dataSource.query('SELECT sri, revoked_by FROM revoked_sri')) as { sri: string; revoked_by: string }[]);
  /** The audit file's lines, once the line of `path` is there (written after the answer was sent). */
  const auditLine = async (method: string, path: string) => {
    const until = Date.now() + 5000;
    for (;;) {
      const line = auditLines().find((f) => f[4] === method && f[5] === path);
      if (line || Date.now() > until) return line;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const auditLines = () => readFileSync(t.config.audit!.file!, 'utf8').split('\n').filter(Boolean).map(splitAuditLine);

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...RP, grant_types: ['password', 'refresh_token'], scopes: ['openid', 'api'] });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
  });
  afterAll(async () => { await t.close(); });

  it('DELETE /admin/sessions/{id} ends that session only: store, SRI list, notification, introspection, refresh, audit line', async () => {
    await seedUser(t, 'one', 'pw-one');
    const first = await signIn('one', 'pw-one');
    const second = await signIn('one', 'pw-one');
    const outboxBefore = (await t.dataSource.query('SELECT kind FROM notification_outbox')).length;

    const res = await as('delete', `/admin/sessions/${first.sid}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: first.sid, active: false, revoked_reason: 'admin_revoked', revoked_by: 'admin' });
    expect(res.body.revoked_at).toEqual(expect.any(String));

    const stored = await t.app.get(SessionRepository).findById(first.sid);
    expect(stored).toMatchObject({ revokedReason: 'admin_revoked', revokedBy: 'admin' });
    expect((await t.app.get(SessionRepository).findById(second.sid))?.revokedAt).toBeNull();
    expect((await listedSris()).filter((l) => l.sri === stored!.sri)).toEqual([{ sri: stored!.sri, revoked_by: 'admin' }]);
    expect((await t.dataSource.query('SELECT kind, client_id FROM notification_outbox')).length).toBe(outboxBefore + 1);

    expect(await introspect(t, RP, first.access)).toEqual({ active: false });
    expect((await introspect(t, RP, second.access)).active).toBe(true);
    expect((await refresh(first.refresh)).body.error).toBe('invalid_grant');
    expect((await refresh(second.refresh)).status).toBe(200);

    // Again: nothing more happens, and the answer says it is revoked.
    const again = await as('delete', `/admin/sessions/${first.sid}`);
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
    expect((await t.dataSource.query('SELECT kind FROM notification_outbox')).length).toBe(outboxBefore + 1);
    expect((await as('delete', '/admin/sessions/no-such-session')).status).toBe(404);

    const line = await auditLine('DELETE', `/admin/sessions/${first.sid}`);
    expect(line?.slice(1, 4)).toEqual(['admin', 'bearer', expect.any(String)]);
    expect(line?.[6]).toBe('200');
  });

  it('DELETE /admin/users/{id}/sessions ends every live session of the user, lists their SRIs, and leaves other users alone', async () => {
    const sub = await seedUser(t, 'many', 'pw-many');
    await seedUser(t, 'other', 'pw-other');
    const sessions = [await signIn('many', 'pw-many'), await signIn('many', 'pw-many')];
    const other = await signIn('other', 'pw-other');

    const res = await as('delete', `/admin/users/${sub}/sessions`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub, sessions_revoked: 2 });
    for (const s of sessions) {
      expect(await introspect(t, RP, s.access)).toEqual({ active: false });
      expect((await t.app.get(SessionRepository).findById(s.sid))).toMatchObject({ revokedReason: 'admin_revoked', revokedBy: 'admin' });
    }
    const sris = (await Promise.all(sessions.map((s) => t.app.get(SessionRepository).findById(s.sid)))).map((s) => s!.sri);
    expect((await listedSris()).filter((l) => sris.includes(l.sri))).toHaveLength(2);
    expect((await introspect(t, RP, other.access)).active).toBe(true);
    expect((await as('get', `/admin/users/${sub}/sessions?active=true`)).body).toEqual([]);

    expect((await as('delete', `/admin/users/${sub}/sessions`)).body).toEqual({ sub, sessions_revoked: 0 });
    expect((await as('delete', '/admin/users/nobody/sessions')).status).toBe(404);
    // The user can sign in again: ending sessions is not disabling.
    await signIn('many', 'pw-many');
  });
});
