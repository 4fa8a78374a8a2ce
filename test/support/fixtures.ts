import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { hashSecret } from '@app/auth';
import { SessionWatermarkWorker } from '@app/sessions';
import { ClientEntity, ClientRepository, UserRepository } from '@app/store';
import { TestApp } from './test-app';

export interface ClientFixture {
  client_id: string;
  client_secret: string;
  scopes?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: ClientEntity['tokenEndpointAuthMethod'];
  session_revocation_api?: boolean;
  session_management_api?: boolean;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  caep_receiver_uri?: string;
  access_token_format?: ClientEntity['accessTokenFormat'];
  id_token_signed_response_alg?: ClientEntity['idTokenSignedResponseAlg'];
  resources?: string[];
}

/** Registers a client straight through the store's repository (the admin API is tested on its own). */
export async function seedClient(t: TestApp, f: ClientFixture): Promise<ClientFixture> {
  const repo = t.app.get(ClientRepository);
  const now = Date.now();
  await repo.save(repo.create({
    clientId: f.client_id, clientName: null, secretHash: await hashSecret(f.client_secret),
    tokenEndpointAuthMethod: f.token_endpoint_auth_method ?? 'client_secret_basic',
    grantTypes: f.grant_types ?? ['client_credentials', 'password', 'refresh_token'], scopes: f.scopes ?? ['openid', 'profile'],
    redirectUris: f.redirect_uris ?? [], postLogoutRedirectUris: f.post_logout_redirect_uris ?? null, backchannelLogoutUri: f.backchannel_logout_uri ?? null,
    caepReceiverUri: f.caep_receiver_uri ?? null,
    sessionRevocationApi: f.session_revocation_api ?? false, sessionManagementApi: f.session_management_api ?? false,
    jwks: null, jwksUri: null, sessionValidation: null, accessTokenFormat: f.access_token_format ?? 'jwt', idTokenSignedResponseAlg: f.id_token_signed_response_alg ?? 'RS256',
    resources: f.resources ?? [],
    createdAt: now, updatedAt: now,
  }));
  return f;
}

export async function seedUser(t: TestApp, uid: string, password: string, attributes: Record<string, string> = {}): Promise<string> {
  const id = randomUUID();
  await t.app.get(UserRepository).upsert({ id, passwordHash: await hashSecret(password) }, { uid, ...attributes });
  return id;
}

export async function passwordLogin(t: TestApp, c: ClientFixture, username: string, password: string, scope = 'openid profile') {
  return request(t.server).post('/token').auth(c.client_id, c.client_secret).type('form').send({ grant_type: 'password', username, password, scope });
}

export async function introspect(t: TestApp, c: ClientFixture, token: string) {
  const res = await request(t.server).post('/introspect').auth(c.client_id, c.client_secret).type('form').send({ token });
  if (res.status !== 200) throw new Error(`introspect answered ${res.status}: ${res.text}`);
  return res.body as Record<string, unknown> & { active: boolean };
}

/**
 * Waits until the sessions that global revocations ended are marked in the store (rows, SRI
 * listings, queued notifications): SessionWatermarkWorker does it just after the answer, in
 * the background; this runs a pass and returns once none is left.
 */
export async function sessionWatermarksSettled(t: TestApp): Promise<void> {
  await t.app.get(SessionWatermarkWorker).drain();
}
