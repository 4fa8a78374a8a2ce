import { ApiError } from '@app/common';
import { requestedResources, resourceParams, S256_CHALLENGE } from '@app/oauth';
import { ClientEntity, ClientRepository } from '@app/store';

/** The parameters /authorize reads (OpenID Connect Core 1.0 §3.1.2.1, RFC 7636 §4.3); others are ignored. */
export const AUTHORIZE_PARAMS = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'prompt', 'max_age', 'login_hint', 'response_mode',
] as const;
export type AuthorizeParams = Partial<Record<(typeof AUTHORIZE_PARAMS)[number], string>>;

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const MAX_PARAM = 2048;

export interface AuthorizationRequest {
  client: ClientEntity;
  redirectUri: string;
  scopes: string[];
  /** RFC 8707 §2.1: the resources asked for, each registered for the client; remembered with the code. */
  resources: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  prompt: Set<string>;
  /** Seconds: an older authentication must be repeated (Core §3.1.2.1). */
  maxAge?: number;
  loginHint?: string;
  /** The allow-listed parameters as received, carried through the sign-in form. */
  params: AuthorizeParams;
}

/**
 * An error of an authorization request. With `redirectUri` it goes back to the client
 * (RFC 6749 §4.1.2.1); without, the client or its redirect_uri could not be trusted and the
 * user sees it instead.
 */
export class AuthorizationError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly redirectUri?: string,
    readonly state?: string,
  ) {
    super(description);
  }
}

/** The allow-listed parameters of a query or form; a repeated one is an error (RFC 6749 §3.1). */
export function readAuthorizeParams(source: unknown): { params: AuthorizeParams; repeated: string[] } {
  const src = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const params: AuthorizeParams = {};
  const repeated: string[] = [];
  for (const name of AUTHORIZE_PARAMS) {
    const v = src[name];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') repeated.push(name);
    else params[name] = v;
  }
  return { params, repeated };
}

/**
 * Validates an authorization request in the order OpenID Connect Core §3.1.2.2 and RFC 6749
 * §4.1.2.1 give: first the client and its redirect_uri (exact match with a registered one;
 * failing either, nothing is redirected), then everything else, whose errors go back to the
 * client with its state.
 */
export async function validateAuthorizationRequest(source: unknown, clients: ClientRepository): Promise<AuthorizationRequest> {
  const { params, repeated } = readAuthorizeParams(source);
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    throw new AuthorizationError('invalid_request', 'The client_id and redirect_uri parameters must each appear once.');
  }
  if (!params.client_id) throw new AuthorizationError('invalid_request', 'The client_id parameter is missing.');
  const client = params.client_id.length <= 255 ? await clients.findById(params.client_id) : null;
  if (!client) throw new AuthorizationError('invalid_client', 'This application is not registered here.');
  if (!params.redirect_uri) throw new AuthorizationError('invalid_request', 'The redirect_uri parameter is missing.');
  if (!client.redirectUris.includes(params.redirect_uri)) {
    throw new AuthorizationError('invalid_request', 'The redirect_uri is not registered for this application.');
  }

  const redirectUri = params.redirect_uri;
  const state = typeof params.state === 'string' ? params.state : undefined;
  const fail = (error: string, description: string) => new AuthorizationError(error, description, redirectUri, state);
  if (repeated.length > 0) throw fail('invalid_request', `The parameter ${repeated[0]} must appear once.`);
  const tooLong = AUTHORIZE_PARAMS.find((n) => (params[n]?.length ?? 0) > MAX_PARAM);
  if (tooLong) throw fail('invalid_request', `The parameter ${tooLong} is too long.`);
  if (params.response_type !== 'code') {
    throw fail(params.response_type ? 'unsupported_response_type' : 'invalid_request', params.response_type ? 'Only response_type=code is supported.' : 'The response_type parameter is missing.');
  }
  if (params.response_mode !== undefined && params.response_mode !== 'query') throw fail('invalid_request', 'Only response_mode=query is supported.');
  if (!client.grantTypes.includes('authorization_code')) throw fail('unauthorized_client', 'This application may not use the authorization code flow.');

  const scopes = [...new Set((params.scope ?? '').split(' ').filter(Boolean))];
  if (scopes.length === 0) throw fail('invalid_request', 'The scope parameter is missing.');
  if (scopes.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) throw fail('invalid_scope', 'The scope parameter has invalid characters.');
  const denied = scopes.filter((s) => !client.scopes.includes(s));
  if (denied.length > 0) throw fail('invalid_scope', `The application is not registered for the scope ${denied.join(' ')}.`);
  let resources: string[];
  try {
    resources = requestedResources(client, resourceParams(source));
  } catch (err) {
    if (err instanceof ApiError) throw fail(err.code, err.description);
    throw err;
  }

  // RFC 7636 §4.4.1; plain is refused (RFC 9700 §2.1.1), and a public client must use PKCE.
  if (params.code_challenge_method !== undefined && params.code_challenge_method !== 'S256') {
    throw fail('invalid_request', 'Only code_challenge_method=S256 is supported.');
  }
  if (params.code_challenge !== undefined && !S256_CHALLENGE.test(params.code_challenge)) {
    throw fail('invalid_request', 'The code_challenge must be 43 base64url characters (S256).');
  }
  if (params.code_challenge !== undefined && params.code_challenge_method === undefined) {
    throw fail('invalid_request', 'The code_challenge_method parameter is missing (S256).');
  }
  if (params.code_challenge === undefined && client.tokenEndpointAuthMethod === 'none') {
    throw fail('invalid_request', 'A public client must send a PKCE code_challenge (S256).');
  }

  const prompt = new Set((params.prompt ?? '').split(' ').filter(Boolean));
  if ([...prompt].some((p) => !PROMPTS.has(p))) throw fail('invalid_request', 'The prompt parameter has an unknown value.');
  if (prompt.has('none') && prompt.size > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values.');
  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(params.max_age)) throw fail('invalid_request', 'The max_age parameter must be a number of seconds.');
    maxAge = Number(params.max_age);
  }

  return {
    client, redirectUri, scopes, resources, state, nonce: params.nonce, codeChallenge: params.code_challenge, prompt, maxAge,
    loginHint: params.login_hint, params,
  };
}

/** `redirect_uri` with these query parameters added to whatever query it has (RFC 6749 §3.1.2). */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
