import { decodeJwt } from 'jose';
import { appendRevocationEvents, ClientRepository, RevokedSriEntity, SessionValidationPolicy, Transactor, UserSessionEntity } from '@app/store';
import { ClientFixture, passwordLogin, seedClient } from './fixtures';
import { TestApp } from './test-app';

/** The client of the seed's samples: `Authorization: Basic YWNfb2ljX2NsaWVudDph…` decodes to these. */
export const SEED_CLIENT: ClientFixture = {
  client_id: 'ac_oic_client',
  client_secret: 'abc123DEFghijklmnop4567rstuvwxyzZYXWUT8910SRQPOnmlijhoauthplaygroundapplication',
  session_revocation_api: true,
};

/** The seed's Authorization header, verbatim. */
export const SEED_AUTHORIZATION =
  'Basic YWNfb2ljX2NsaWVudDphYmMxMjNERUZnaGlqa2xtbm9wNDU2N3JzdHV2d3h5elpZWFdVVDg5MTBTUlFQT25tbGlqaG9hdXRocGxheWdyb3VuZGFwcGxpY2F0aW9u';

export const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';
export const SESSIONS = '/pf-ws/rest/sessionMgmt/sessions';
export const USERS = '/pf-ws/rest/sessionMgmt/users';

export const NOT_REVOKED = { resultId: 'session_mgmt_sri_not_revoked', message: 'The SRI has not been revoked.' };

export async function setSessionValidation(t: TestApp, clientId: string, policy: SessionValidationPolicy): Promise<void> {
  const repo = t.app.get(ClientRepository);
  const client = await repo.findById(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  await repo.save({ ...client, sessionValidation: policy });
}

/** Signs the user in with the password grant and returns the tokens and the session's SRI. */
export async function login(t: TestApp, client: ClientFixture, uid: string, password: string) {
  const res = await passwordLogin(t, client, uid, password);
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${res.text}`);
  const sri = decodeJwt(res.body.id_token as string)['pi.sri'] as string;
  return { accessToken: res.body.access_token as string, refreshToken: res.body.refresh_token as string, idToken: res.body.id_token as string, sri };
}

export function sessionRow(t: TestApp, sri: string): Promise<UserSessionEntity | null> {
  return t.dataSource.getRepository(UserSessionEntity).findOneBy({ sri });
}

export function listEntry(t: TestApp, sri: string): Promise<RevokedSriEntity | null> {
  return t.dataSource.getRepository(RevokedSriEntity).findOneBy({ sri });
}

/** Rewrites a session row as if time had passed (through the Transactor, as every store write must). */
export async function updateSession(t: TestApp, sri: string, values: Partial<UserSessionEntity>): Promise<void> {
  await t.app.get(Transactor).run((em) => em.update(UserSessionEntity, { sri }, values));
}

export async function updateListEntry(t: TestApp, sri: string, values: Partial<RevokedSriEntity>): Promise<void> {
  // Any writer tells the instances through the revocation feed, in the same transaction.
  await t.app.get(Transactor).run(async (em) => {
    await em.update(RevokedSriEntity, { sri }, values);
    await appendRevocationEvents(em, [{ kind: 'sri_changed', subject: sri }]);
  });
}

export { seedClient };
