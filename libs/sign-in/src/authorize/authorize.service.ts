import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { connectionSignal, HttpConfig, idleTimeoutFor, InjectConfig, SessionConfig } from '@app/common';
import { newTokenId, PasswordSignIn } from '@app/auth';
import { AuthorizationCodeService } from '@app/oauth';
import { SessionActivityService, SriCodec } from '@app/sessions';
import { ClientRepository, SessionRepository, Transactor, UserSessionEntity } from '@app/store';
import { BrowserSessionService } from '../browser/browser-session.service';
import { errorPage, signInPage } from '../browser/pages';
import { AuthorizationError, AuthorizationRequest, validateAuthorizationRequest, withQuery } from './authorization-request';

/** What the controller sends: a redirect to the client, or a page; with the cookies to set. */
export type BrowserOutcome =
  | { kind: 'redirect'; location: string; cookies: (string | undefined)[] }
  | { kind: 'page'; status: number; html: string; cookies: (string | undefined)[]; headers?: Record<string, string> };

/** The authentication source of sessions opened by the sign-in form (SESSION_IDLE_TIMEOUT_OVERRIDES names it). */
export const FORM_AUTHN_SOURCE = 'password';

/**
 * The authorization endpoint (OpenID Connect Core 1.0 §3.1.2, authorization code flow): a
 * browser with a usable session gets a code at once (single sign-on; the session records the
 * client); otherwise it gets the sign-in form, whose POST opens a session and returns a code.
 */
@Injectable()
export class AuthorizeService {
  constructor(
    @InjectConfig('sessions') private readonly sessionsConfig: SessionConfig, @InjectConfig('http') private readonly http: HttpConfig,
    private readonly clients: ClientRepository,
    private readonly signIns: PasswordSignIn,
    private readonly sessions: SessionRepository,
    private readonly browser: BrowserSessionService,
    private readonly codes: AuthorizationCodeService,
    private readonly activity: SessionActivityService,
    private readonly tx: Transactor,
    private readonly sris: SriCodec,
  ) {}

  /** GET /authorize. */
  async start(req: FastifyRequest): Promise<BrowserOutcome> {
    let request: AuthorizationRequest;
    try {
      request = await validateAuthorizationRequest(req.query, this.clients);
    } catch (err) {
      return this.failure(err);
    }
    const now = Date.now();
    const session = await this.browser.fromCookie(req);
    const usable = session !== null && (await this.browser.isUsable(session, now));
    const stale = session !== null && !usable ? this.browser.clearSessionCookie() : undefined;
    if (usable && !request.prompt.has('login') && (request.maxAge === undefined || now - session.createdAt <= request.maxAge * 1000)) {
      const sso = await this.singleSignOn(request, session, now);
      if (sso) return sso;
    }
    // Core §3.1.2.6: no usable session and no interaction allowed.
    if (request.prompt.has('none')) return this.errorRedirect(request, 'login_required', 'The user is not signed in.', [stale]);
    return this.form(req, request, 200, undefined, undefined, [stale]);
  }

  /** POST /authorize: the sign-in form. */
  async signIn(req: FastifyRequest): Promise<BrowserOutcome> {
    let request: AuthorizationRequest;
    try {
      request = await validateAuthorizationRequest(req.body, this.clients);
    } catch (err) {
      return this.failure(err);
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!this.browser.csrfMatches(req, body.csrf)) {
      return this.form(req, request, 403, 'This sign-in form has expired. Please sign in again.');
    }
    const username = typeof body.username === 'string' ? body.username.slice(0, 1024) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    // A blank field is no guess: nothing to check or count.
    if (!username || !password) return this.form(req, request, 400, 'The username or password is incorrect.', username);
    const outcome = await this.signIns.attempt({ username, password, clientId: request.client.clientId, ip: req.ip, via: 'form', signal: connectionSignal(req) });
    if (outcome.result === 'throttled') {
      const throttled = this.form(req, request, 429, `Too many failed sign-in attempts. Try again in ${waitText(outcome.retryAfterSeconds)}.`, username);
      return { ...throttled, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } };
    }
    if (outcome.result === 'failure') return this.form(req, request, 400, 'The username or password is incorrect.', username);
    const { user } = outcome;

    const now = Date.now();
    const id = newTokenId(now);
    const key = this.browser.newKey(id);
    const session = this.sessions.create({
      id, sri: this.sris.seal(user.id, now), sriSealed: true, userId: user.id, clientIds: [request.client.clientId], authnSource: FORM_AUTHN_SOURCE,
      clientIp: req.ip?.slice(0, 64) ?? null, userAgent: req.headers['user-agent']?.slice(0, 512) ?? null, createdAt: now, lastActivityAt: now,
      idleTimeout: idleTimeoutFor(this.sessionsConfig, FORM_AUTHN_SOURCE), maxLifetime: this.sessionsConfig.maxLifetime,
      revokedAt: null, revokedReason: null, revokedBy: null, browserKeyHash: key.hash,
    });
    const code = await this.tx.run(async (em) => {
      await this.sessions.insert(session, em);
      return this.codes.issue(this.codeRequest(request, session), em);
    });
    return this.success(request, code, [this.browser.sessionSetCookie(key.cookie, session, now)]);
  }

  /**
   * A code for a browser that is already signed in: the session records the client (a
   * conditional write, read again once after a concurrent change) and counts as active.
   * Null when the session ended meanwhile.
   */
  private async singleSignOn(request: AuthorizationRequest, session: UserSessionEntity, now: number): Promise<BrowserOutcome | null> {
    let current: UserSessionEntity | null = session;
    for (let attempt = 0; attempt < 2 && current; attempt++) {
      const s: UserSessionEntity = current;
      const code = await this.tx.run(async (em) => {
        if (!(await this.sessions.addClient(s, request.client.clientId, em))) return null;
        if (!s.clientIds.includes(request.client.clientId)) s.clientIds = [...s.clientIds, request.client.clientId];
        await this.activity.touch(s, now, em);
        return this.codes.issue(this.codeRequest(request, s), em);
      });
      if (code) return this.success(request, code, []);
      const reread = await this.sessions.findById(s.id);
      current = reread && (await this.browser.isUsable(reread, now)) ? reread : null;
    }
    return null;
  }

  private codeRequest(request: AuthorizationRequest, session: UserSessionEntity) {
    return {
      client: request.client, session, scopes: request.scopes, resources: request.resources,
      details: {
        redirect_uri: request.redirectUri,
        ...(request.codeChallenge ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' as const } : {}),
        ...(request.nonce ? { nonce: request.nonce } : {}),
      },
    };
  }

  /** Core §3.1.2.5 with RFC 9207's `iss`. */
  private success(request: AuthorizationRequest, code: string, cookies: (string | undefined)[]): BrowserOutcome {
    return { kind: 'redirect', location: withQuery(request.redirectUri, { code, state: request.state, iss: this.http.issuer }), cookies };
  }

  private errorRedirect(request: AuthorizationRequest, error: string, description: string, cookies: (string | undefined)[] = []): BrowserOutcome {
    return { kind: 'redirect', location: this.errorLocation(request.redirectUri, error, description, request.state), cookies };
  }

  private errorLocation(redirectUri: string, error: string, description: string, state?: string): string {
    return withQuery(redirectUri, { error, error_description: description, state, iss: this.http.issuer });
  }

  private failure(err: unknown): BrowserOutcome {
    if (!(err instanceof AuthorizationError)) throw err;
    if (err.redirectUri) return { kind: 'redirect', location: this.errorLocation(err.redirectUri, err.error, err.description, err.state), cookies: [] };
    return { kind: 'page', status: 400, html: errorPage('Sign-in request rejected', err.description), cookies: [] };
  }

  private form(
    req: FastifyRequest, request: AuthorizationRequest, status: number, error?: string, username?: string, cookies: (string | undefined)[] = [],
  ): Extract<BrowserOutcome, { kind: 'page' }> {
    const csrf = this.browser.csrfToken(req);
    const html = signInPage({
      clientName: request.client.clientName ?? request.client.clientId, params: { ...request.params, resource: request.resources }, csrf: csrf.token, error,
      username: username ?? request.loginHint,
    });
    return { kind: 'page', status, html, cookies: [...cookies, csrf.setCookie] };
  }
}

/** "45 seconds", "1 minute", "15 minutes": how long a throttled user waits, as the form says it. */
function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
