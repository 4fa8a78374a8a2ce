import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, HttpConfig, InjectConfig } from '@app/common';
import { newOpaqueToken, tokenDigest } from '@app/auth';
import { SessionRepository, UserRepository, UserSessionEntity, WatermarkRepository } from '@app/store';
import { parseCookies, serializeCookie } from './cookies';

/** `<session id>.<secret>`: both base64url. */
const SESSION_COOKIE_VALUE = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;
const CSRF_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser's side of a user session: an `HttpOnly`, `SameSite=Lax` cookie (`Secure`, with the
 * `__Host-` prefix, when the issuer is https) holding the session id and a secret whose hash
 * the session row keeps, and the CSRF token of the sign-in and sign-out forms (double submit:
 * a cookie and a form field that must match, compared in constant time).
 */
@Injectable()
export class BrowserSessionService {
  private readonly secure: boolean;
  readonly sessionCookie: string;
  readonly csrfCookie: string;

  constructor(
    @InjectConfig('http') http: HttpConfig,
    private readonly sessions: SessionRepository,
    private readonly watermarks: WatermarkRepository,
    private readonly users: UserRepository,
  ) {
    this.secure = http.issuer.startsWith('https:');
    const prefix = this.secure ? '__Host-' : '';
    this.sessionCookie = `${prefix}rs_session`;
    this.csrfCookie = `${prefix}rs_csrf`;
  }

  /** A new browser secret for a session: the cookie value, and the hash the session keeps. */
  newKey(sessionId: string): { cookie: string; hash: string } {
    const secret = newOpaqueToken(32);
    return { cookie: `${sessionId}.${secret}`, hash: tokenDigest(secret) };
  }

  /** The session the browser's cookie names, if the cookie's secret matches it; valid or not. */
  async fromCookie(req: FastifyRequest): Promise<UserSessionEntity | null> {
    const m = SESSION_COOKIE_VALUE.exec(parseCookies(req.headers.cookie)[this.sessionCookie] ?? '');
    if (!m) return null;
    const session = await this.sessions.findById(m[1]);
    if (!session?.browserKeyHash) return null;
    return constantTimeEqual(tokenDigest(m[2]), session.browserKeyHash) ? session : null;
  }

  /**
   * Whether a session still signs its user in silently: not revoked, within its idle timeout and
   * maximum lifetime, and opened after the user's last global revocation (a login racing that
   * revocation leaves a session the watermark already ended).
   */
  async isUsable(session: UserSessionEntity, now = Date.now()): Promise<boolean> {
    if (!SessionRepository.isValid(session, now)) return false;
    if (session.createdAt <= (await this.watermarks.validAfter(session.userId))) return false;
    // A disabled user signs in again, and is refused there.
    return !(await this.users.isDisabled(session.userId));
  }

  /** Set-Cookie for a session: lives as long as the session may. */
  sessionSetCookie(cookieValue: string, session: UserSessionEntity, now = Date.now()): string {
    const maxAge = (session.createdAt + session.maxLifetime * 1000 - now) / 1000;
    return serializeCookie(this.sessionCookie, cookieValue, { secure: this.secure, sameSite: 'Lax', maxAge });
  }

  clearSessionCookie(): string {
    return serializeCookie(this.sessionCookie, '', { secure: this.secure, sameSite: 'Lax', maxAge: 0 });
  }

  /** The browser's CSRF token, and the Set-Cookie to send when it had none. */
  csrfToken(req: FastifyRequest): { token: string; setCookie?: string } {
    const existing = parseCookies(req.headers.cookie)[this.csrfCookie];
    if (existing && CSRF_VALUE.test(existing)) return { token: existing };
    const token = newOpaqueToken(32);
    return { token, setCookie: serializeCookie(this.csrfCookie, token, { secure: this.secure, sameSite: 'Lax' }) };
  }

  /** Whether a posted form carries the browser's CSRF token. */
  csrfMatches(req: FastifyRequest, posted: unknown): boolean {
    const cookie = parseCookies(req.headers.cookie)[this.csrfCookie];
    if (!cookie || typeof posted !== 'string' || !CSRF_VALUE.test(cookie)) return false;
    return constantTimeEqual(cookie, posted);
  }
}

/** Sets every cookie at once (Fastify keeps one value per header name set). */
export function setCookies(reply: FastifyReply, cookies: (string | undefined)[]): void {
  const values = cookies.filter((c): c is string => c !== undefined);
  if (values.length > 0) reply.header('Set-Cookie', values);
}
