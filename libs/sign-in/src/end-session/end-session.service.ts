import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HttpConfig, InjectConfig, SessionConfig } from '@app/common';
import { SigningKeyService } from '@app/auth';
import { SessionTerminator } from '@app/sessions';
import { ClientEntity, ClientRepository, RevokedSriRepository, SessionRepository, Transactor, UserSessionEntity } from '@app/store';
import { withQuery } from '../authorize/authorization-request';
import type { BrowserOutcome } from '../authorize/authorize.service';
import { BrowserSessionService } from '../browser/browser-session.service';
import { confirmSignOutPage, errorPage, signedOutPage } from '../browser/pages';
import { IdTokenHint, verifyIdTokenHint } from './id-token-hint';

/** RP-Initiated Logout 1.0 §2 request parameters; others are ignored. */
export const END_SESSION_PARAMS = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;
export type EndSessionParams = Partial<Record<(typeof END_SESSION_PARAMS)[number], string>>;

/** `revoked_reason` of a session ended at /end_session. */
export const END_SESSION_REASON = 'end_session';

/**
 * OpenID Connect RP-Initiated Logout 1.0. Ends one session: the one the `id_token_hint` names
 * (its `sid`), else the browser's. Unlike Janssen's front-channel End Session, which relies on
 * the browser, the session ends in the store with its tokens (through SessionTerminator, which
 * also tells every client of the session), and with END_SESSION_REVOKE_USER_SESSION its SRI is
 * listed too. A request that does not show which application sent it (no id_token_hint) is
 * confirmed by the user first, through a CSRF-protected form.
 */
@Injectable()
export class EndSessionService {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig, @InjectConfig('sessions') private readonly sessionsConfig: SessionConfig,
    private readonly clients: ClientRepository,
    private readonly sessions: SessionRepository,
    private readonly revokedSris: RevokedSriRepository,
    private readonly keys: SigningKeyService,
    private readonly browser: BrowserSessionService,
    private readonly terminator: SessionTerminator,
    private readonly tx: Transactor,
  ) {}

  async handle(req: FastifyRequest, source: unknown, method: 'GET' | 'POST'): Promise<BrowserOutcome> {
    const src = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
    const params: EndSessionParams = {};
    for (const name of END_SESSION_PARAMS) {
      const v = src[name];
      if (v === undefined || v === '') continue;
      if (typeof v !== 'string' || v.length > 8192) return this.error(`The parameter ${name} must appear once, as text.`);
      params[name] = v;
    }

    // §2: the hint must be an ID token this server issued.
    let hint: IdTokenHint | undefined;
    if (params.id_token_hint) {
      hint = await verifyIdTokenHint(params.id_token_hint, this.http.issuer, this.keys);
      if (!hint) return this.error('The id_token_hint is not an ID token issued by this server.');
    }
    // §2: client_id, when given with a hint, must be its audience.
    if (params.client_id && hint && !hint.clientIds.includes(params.client_id)) return this.error('The client_id is not the audience of the id_token_hint.');
    const clientId = params.client_id ?? hint?.clientIds[0];
    let client: ClientEntity | null = null;
    if (clientId) {
      client = clientId.length <= 255 ? await this.clients.findById(clientId) : null;
      if (!client) return this.error('The application is not registered here.');
    }
    // §3: only a post_logout_redirect_uri registered for the client, matched exactly.
    const redirect = params.post_logout_redirect_uri;
    if (redirect !== undefined) {
      if (!client) return this.error('A post_logout_redirect_uri needs a client_id or an id_token_hint.');
      if (!(client.postLogoutRedirectUris ?? []).includes(redirect)) return this.error('The post_logout_redirect_uri is not registered for this application.');
    }

    const fromCookie = await this.browser.fromCookie(req);
    const session = await this.target(hint, fromCookie);
    const live = session !== null && session.revokedAt === null;
    if (live && !hint) {
      // §2: without a hint the OP should ask; the confirmation posts back with the CSRF token.
      const confirmed = method === 'POST' && src.confirm === 'yes';
      if (confirmed && !this.browser.csrfMatches(req, src.csrf)) return this.error('This sign-out form has expired. Please try again.', 403);
      if (!confirmed) {
        const csrf = this.browser.csrfToken(req);
        return { kind: 'page', status: 200, html: confirmSignOutPage(params, csrf.token, client?.clientName ?? client?.clientId), cookies: [csrf.setCookie] };
      }
    }
    if (live) await this.end(session, client);

    const cookies = fromCookie && (!session || fromCookie.id === session.id) ? [this.browser.clearSessionCookie()] : [];
    if (redirect !== undefined) return { kind: 'redirect', location: withQuery(redirect, { state: params.state }), cookies };
    return { kind: 'page', status: 200, html: signedOutPage(), cookies };
  }

  /** The session the hint's `sid` names (if it is the hint's user's), else the browser's. */
  private async target(hint: IdTokenHint | undefined, fromCookie: UserSessionEntity | null): Promise<UserSessionEntity | null> {
    if (hint?.sid) {
      const named = await this.sessions.findById(hint.sid);
      if (named && named.userId === hint.sub) return named;
    }
    if (hint && fromCookie && fromCookie.userId !== hint.sub) return null;
    return fromCookie;
  }

  private async end(session: UserSessionEntity, client: ClientEntity | null): Promise<void> {
    const at = Date.now();
    const by = client?.clientId ?? null;
    await this.tx.run(async (em) => {
      const ended = await this.terminator.end({ id: session.id }, { reason: END_SESSION_REASON, by, at, initiatingEntity: 'user' }, em);
      // PingFederate's revokeUserSessionOnLogout: the SRI enters the session revocation list.
      if (ended.length > 0 && this.sessionsConfig.endSessionRevokeUserSession) {
        await this.revokedSris.add({ sri: session.sri, createdAt: at, revokedBy: by }, em);
      }
    });
  }

  private error(message: string, status = 400): BrowserOutcome {
    return { kind: 'page', status, html: errorPage('Sign-out request rejected', message), cookies: [] };
  }
}
