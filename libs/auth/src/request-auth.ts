import type { ClientEntity } from '@app/store';

/**
 * `none`: a public client naming itself at the token endpoint (authorization code with PKCE).
 * Any other string: the name of a host's client authentication method (ClientAuthMethod).
 */
export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'bearer' | 'jwt-bearer' | 'private_key_jwt' | 'none' | (string & {});

/** Who called, set on the request by whichever guard authenticated it (read by controllers and the audit log). */
export interface RequestAuth {
  method: AuthMethod;
  clientId: string;
  scopes: string[];
  /** The client record, when a client authenticated itself directly. */
  client?: ClientEntity;
  /** Subject of a bearer token (a user id, or the client id for client_credentials tokens). */
  sub?: string;
  /** Claims of a verified bearer token. */
  claims?: Record<string, unknown>;
}

export interface AuthenticatedRequest {
  auth?: RequestAuth;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
