import { createHash, randomBytes } from 'node:crypto';
import request, { Response } from 'supertest';
import { TestApp } from './test-app';

/**
 * A browser for the sign-in flows, without a browser: supertest requests that keep the cookies
 * the server sets (name → value; Max-Age=0 deletes) and send them back, and read forms.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly t: TestApp) {}

  async get(path: string): Promise<Response> {
    return this.keep(await request(this.t.server).get(path).set('Cookie', this.cookieHeader()).redirects(0));
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.keep(await request(this.t.server).post(path).set('Cookie', this.cookieHeader()).type('form').send(form).redirects(0));
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): Response {
    for (const line of setCookies(res)) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (/;\s*Max-Age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return res;
  }
}

export function setCookies(res: Response): string[] {
  const raw = res.headers['set-cookie'] as unknown;
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

/** The hidden inputs of the first form of a page, unescaped. */
export function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescape(m[1])] = unescape(m[2]);
  return out;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizePath(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/authorize?${q.toString()}`;
}

/** The query parameters of a redirect's Location. */
export function redirectParams(res: Response): URLSearchParams {
  if (res.status !== 303) throw new Error(`expected a 303 redirect, got ${res.status}: ${res.text.slice(0, 300)}`);
  return new URL(res.headers.location as string).searchParams;
}

export interface CodeFlowClient {
  client_id: string;
  client_secret?: string;
  redirect_uri: string;
  public?: boolean;
}

/**
 * The whole authorization code flow in one browser: /authorize, the sign-in form when the
 * browser has no usable session (or SSO at once), the code exchanged at /token with PKCE.
 */
export async function codeFlow(
  t: TestApp, browser: Browser, client: CodeFlowClient, user?: { username: string; password: string },
  extra: Record<string, string> = {},
): Promise<{ tokens: Record<string, string>; signedIn: boolean }> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const first = await browser.get(authorizePath({
    response_type: 'code', client_id: client.client_id, redirect_uri: client.redirect_uri, scope: 'openid profile', state,
    nonce: `n-${state}`, code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  }));
  let done = first;
  let signedIn = false;
  if (first.status === 200) {
    if (!user) throw new Error('the sign-in form came up, but no user was given');
    done = await browser.post('/authorize', { ...hiddenInputs(first.text), username: user.username, password: user.password });
    signedIn = true;
  }
  const params = redirectParams(done);
  if (params.get('state') !== state) throw new Error(`state came back as ${params.get('state')}`);
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${params.toString()}`);
  const exchange = request(t.server).post('/token').type('form');
  if (!client.public) exchange.auth(client.client_id, client.client_secret!);
  const res = await exchange.send({
    grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri, code_verifier: verifier, ...(client.public ? { client_id: client.client_id } : {}),
  });
  if (res.status !== 200) throw new Error(`token exchange answered ${res.status}: ${res.text}`);
  return { tokens: res.body as Record<string, string>, signedIn };
}
