import { Injectable } from '@nestjs/common';
import { notFound } from '@app/common';
import { SessionTerminator } from '@app/sessions';
import { RevokedSriRepository, SessionRepository, Transactor, UserSessionEntity } from '@app/store';
import { SessionViewDto, UserSessionsRevokedDto } from './dto/session.dto';
import { UserAdminService } from './user-admin.service';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toSessionView(s: UserSessionEntity, now = Date.now()): SessionViewDto {
  return {
    id: s.id,
    sri: s.sri,
    sub: s.userId,
    client_ids: s.clientIds,
    authn_source: s.authnSource,
    client_ip: s.clientIp,
    user_agent: s.userAgent,
    created_at: iso(s.createdAt)!,
    last_activity_at: iso(s.lastActivityAt)!,
    idle_timeout: s.idleTimeout,
    max_lifetime: s.maxLifetime,
    expires_at: iso(Math.min(s.lastActivityAt + s.idleTimeout * 1000, s.createdAt + s.maxLifetime * 1000))!,
    active: SessionRepository.isValid(s, now),
    revoked_at: iso(s.revokedAt),
    revoked_reason: s.revokedReason,
    revoked_by: s.revokedBy,
  };
}

/** `revoked_reason` of a session an administrator ended: its tokens stop working with it. */
export const ADMIN_SESSION_REVOCATION = 'admin_revoked';

/** What a listing of a user's sessions keeps: those a client used, those still usable (or not). */
export interface SessionFilter {
  clientId?: string;
  active?: boolean;
}

/**
 * User sessions for the admin API and the CLI: looked at, and ended. Ending goes through
 * SessionTerminator, as every other revocation path does (back-channel logout and CAEP
 * notifications, revocation events, the token status lists), and lists the SRIs as the Session
 * Management API does, in one transaction.
 */
@Injectable()
export class SessionAdminService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserAdminService,
    private readonly terminator: SessionTerminator,
    private readonly revokedSris: RevokedSriRepository,
    private readonly tx: Transactor,
  ) {}

  /** A user's sessions oldest first: live, ended and revoked, or those `filter` keeps. */
  async listForUser(sub: string, filter: SessionFilter = {}): Promise<SessionViewDto[]> {
    await this.users.require(sub);
    const now = Date.now();
    return (await this.sessions.listByUser(sub))
      .filter((s) => filter.clientId === undefined || s.clientIds.includes(filter.clientId))
      .map((s) => toSessionView(s, now))
      .filter((s) => filter.active === undefined || s.active === filter.active);
  }

  /** Ends one session (its tokens stop working, its SRI is listed); a session already ended stays as it is. */
  async revoke(id: string, actor: string | null): Promise<SessionViewDto> {
    const session = await this.sessions.findById(id);
    if (!session) throw notFound(`No session with the id "${id}".`);
    const now = Date.now();
    await this.tx.run(async (em) => {
      const ended = await this.terminator.end({ id }, { reason: ADMIN_SESSION_REVOCATION, by: actor, at: now, initiatingEntity: 'admin' }, em);
      if (ended.length > 0) await this.revokedSris.add({ sri: session.sri, createdAt: now, revokedBy: actor }, em);
    });
    return this.get(id);
  }

  /** Ends every live session of a user and lists their SRIs; their tokens bound to a session stop working. */
  async revokeAllOfUser(sub: string, actor: string | null): Promise<UserSessionsRevokedDto> {
    await this.users.require(sub);
    const now = Date.now();
    const ended = await this.tx.run(async (em) => {
      const done = await this.terminator.end({ userId: sub }, { reason: ADMIN_SESSION_REVOCATION, by: actor, at: now, initiatingEntity: 'admin' }, em);
      await this.revokedSris.listSessionsEndedAt(sub, now, actor, em);
      return done.length;
    });
    return { sub, sessions_revoked: ended };
  }

  async get(id: string): Promise<SessionViewDto> {
    const session = await this.sessions.findById(id);
    if (!session) throw notFound(`No session with the id "${id}".`);
    return toSessionView(session);
  }
}
