import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  ClientFilter, ClientViewDto, ClientWithSecretDto, FeatureFlagViewDto, MERGE_PATCH_TYPE, SessionFilter, SessionViewDto, UserSessionsRevokedDto, UserViewDto,
} from '@app/admin/core';
import { ApiError } from '@app/common';
import type { UserFilter } from '@app/store';
import { AdminOperations, onlyUser } from './admin-operations';
import { adminPath } from './audit';
import { CliFailure, UsageFailure } from './errors';

/** The environment variables remote mode reads when the options are left out. */
export const REMOTE_ENV = { server: 'REVOCATION_SERVER_URL', clientId: 'REVOCATION_CLIENT_ID', clientSecret: 'REVOCATION_CLIENT_SECRET' } as const;

/** A server's admin API, and the admin client that calls it. */
export interface RemoteSettings {
  server: URL;
  clientId: string;
  clientSecret: string;
}

/** How long one call to the server may take, whatever it does. */
const CALL_TIMEOUT_MS = 30_000;
const ADMIN_SCOPE = 'admin';

/** 127.0.0.0/8, ::1 and `localhost`: the only hosts spoken to over plain http without --insecure-http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && ipaddr.process(host).range() === 'loopback';
}

/** The server URL: https, or http to a loopback host (or anywhere with `insecureHttp`); no credentials, query or fragment. */
export function parseServerUrl(value: string, insecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageFailure(`--server: ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageFailure('--server: must be an https URL');
  if (url.username || url.password || url.search || url.hash) throw new UsageFailure('--server: must hold no credentials, query or fragment (give --client-id and the secret apart)');
  if (url.protocol === 'http:' && !insecureHttp && !isLoopbackHost(url.hostname)) {
    throw new UsageFailure(`--server: plain http to ${url.hostname} would send the client secret and the admin token in clear; use https (or --insecure-http on a network you trust)`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/**
 * The admin operations through a server's admin API (`revocation-admin --server …`), as kcadm.sh
 * and jans-cli work: a client_credentials token with the admin scope from /token (the client
 * authenticates with client_secret_basic), then the admin API with it. The server writes the
 * audit lines, naming the admin client. Redirects are not followed: the token goes to the server named only.
 */
export class RemoteAdmin implements AdminOperations {
  private token?: string;

  constructor(private readonly settings: RemoteSettings) {}

  listClients(filter: ClientFilter = {}) {
    const query = { grant_type: filter.grantType, scope: filter.scope, token_endpoint_auth_method: filter.authMethod, resource: filter.resource };
    return this.call<ClientViewDto[]>('GET', adminPath('clients'), { query });
  }
  getClient = (id: string) => this.call<ClientViewDto>('GET', adminPath('clients', id));
  createClient = (dto: object) => this.call<ClientWithSecretDto>('POST', adminPath('clients'), { body: dto });
  patchClient = (id: string, patch: Record<string, unknown>) => this.call<ClientViewDto>('PATCH', adminPath('clients', id), { body: patch, mergePatch: true });
  rotateSecret = (id: string, dto: object) => this.call<ClientWithSecretDto>('POST', adminPath('clients', id, 'secret'), { body: dto });
  deleteClient = (id: string) => this.call<void>('DELETE', adminPath('clients', id));

  listUsers(limit: number, offset: number, filter: UserFilter = {}) {
    const attributes = Object.fromEntries(Object.entries(filter.attributes ?? {}).map(([name, value]) => [name === 'uid' ? 'uid' : `attr.${name}`, value]));
    const disabled = filter.disabled === undefined ? undefined : String(filter.disabled);
    return this.call<UserViewDto[]>('GET', adminPath('users'), { query: { limit: String(limit), offset: String(offset), ...attributes, disabled } });
  }
  getUser = (sub: string) => this.call<UserViewDto>('GET', adminPath('users', sub));
  subOfUid = async (uid: string) => onlyUser(uid, await this.call<UserViewDto[]>('GET', adminPath('users'), { query: { uid, limit: '2' } }));
  createUser = (dto: object) => this.call<UserViewDto>('POST', adminPath('users'), { body: dto });
  updateUser = (sub: string, patch: object) => this.call<UserViewDto>('PATCH', adminPath('users', sub), { body: patch, mergePatch: true });
  deleteUser = (sub: string) => this.call<void>('DELETE', adminPath('users', sub));
  suspendUser = (sub: string) => this.call<void>('POST', adminPath('users', sub, 'suspend'));
  resumeUser = (sub: string) => this.call<void>('POST', adminPath('users', sub, 'resume'));

  listSessions(sub: string, filter: SessionFilter = {}) {
    const query = { client_id: filter.clientId, active: filter.active === undefined ? undefined : String(filter.active) };
    return this.call<SessionViewDto[]>('GET', adminPath('users', sub, 'sessions'), { query });
  }
  revokeSession = (id: string) => this.call<SessionViewDto>('DELETE', adminPath('sessions', id));
  revokeSessionsOfUser = (sub: string) => this.call<UserSessionsRevokedDto>('DELETE', adminPath('users', sub, 'sessions'));

  listFlags = () => this.call<FeatureFlagViewDto[]>('GET', adminPath('feature-flags'));
  setFlag = (name: string, enabled: boolean) => this.call<FeatureFlagViewDto>('PUT', adminPath('feature-flags', name), { body: { enabled } });

  private async call<T>(method: string, path: string, options: { query?: Record<string, string | undefined>; body?: unknown; mergePatch?: boolean } = {}): Promise<T> {
    const url = this.url(path);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.accessToken()}`, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = options.mergePatch ? MERGE_PATCH_TYPE : 'application/json';
    const res = await this.send(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    if (!res.ok) throw await refusal(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /** A client_credentials token with the admin scope, asked for once per command. */
  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding.
    const basic = Buffer.from(`${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`).toString('base64');
    const res = await this.send(this.url('/token'), {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: ADMIN_SCOPE }).toString(),
    });
    if (!res.ok) {
      const err = await refusal(res);
      throw new CliFailure(`the server refused the admin client "${this.settings.clientId}" a token with the admin scope: ${err.code}: ${err.description}`);
    }
    const body = (await res.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new CliFailure('the server answered /token without an access_token');
    return (this.token = body.access_token);
  }

  private url(path: string): URL {
    const url = new URL(this.settings.server.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    return url;
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliFailure(`cannot reach ${this.settings.server.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
  }
}

/** The admin API's error body as an ApiError (printed as its description, exit 1); a redirect or another body says what came. */
async function refusal(res: Response): Promise<ApiError> {
  if (res.status >= 300 && res.status < 400) return new ApiError(res.status, 'redirect', `the server answered ${res.status} (a redirect, not followed); check --server`);
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') return new ApiError(res.status, body.error, typeof body.error_description === 'string' ? body.error_description : body.error);
  } catch {
    // Not the admin API's JSON: a proxy's page, say.
  }
  return new ApiError(res.status, 'server_error', `the server answered ${res.status} without an error body`);
}
