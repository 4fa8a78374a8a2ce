import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SessionConfig } from '@app/common';
import { USER_DIRECTORY, UserDirectory } from '@app/users';
import { SessionRepository, UserSessionEntity } from '@app/store';
import { SessionInfoDto } from '../dto/session-info.dto';
import { UserSessionStatus } from '../dto/user-session-status.dto';
import { RevocationListService } from '../revoked-sris/revocation-list.service';
import { SessionMgmtErrors } from '../session-mgmt.errors';

/** Users one key may name at most (PingFederate's unique user key names one). */
const USERS_PER_KEY = 100;

/**
 * PingFederate's Session Management API (10.3 and later), by session (SRI) and by user key.
 * Revoking here lists the SRIs too, so the revocation list, token validation and the
 * revokedSris endpoint all agree on what was revoked.
 */
@Injectable()
export class SessionMgmtService {
  constructor(
    @InjectConfig('sessions') private readonly sessionsConfig: SessionConfig,
    private readonly sessions: SessionRepository,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly list: RevocationListService,
  ) {}

  /** The valid session with this SRI; 404 when unknown or ended (PingFederate keeps no ended sessions). */
  async describe(sri: string, now = Date.now()): Promise<SessionInfoDto> {
    const session = await this.sessions.findBySri(sri);
    if (!session || !SessionRepository.isValid(session, now)) throw SessionMgmtErrors.sessionNotFound();
    return describeSession(session);
  }

  /** Ends the session with this SRI and lists the SRI; 404 when no session has it. Idempotent. */
  async revokeSession(sri: string, revokedBy: string, now = Date.now()): Promise<void> {
    if (!(await this.sessions.findBySri(sri))) throw SessionMgmtErrors.sessionNotFound();
    await this.list.revoke(sri, revokedBy, now, 'admin');
  }

  async userStatus(userKey: string, now = Date.now()): Promise<UserSessionStatus> {
    return userSessionStatus(await this.sessionsOf(await this.userIdsFor(userKey)), now);
  }

  /** Ends every session of the user(s) with this key and lists their SRIs; answers the status afterwards. */
  async revokeUser(userKey: string, revokedBy: string, now = Date.now()): Promise<UserSessionStatus> {
    const userIds = await this.userIdsFor(userKey);
    await this.list.revokeSessionsOfUsers(userIds, revokedBy, now);
    return userSessionStatus(await this.sessionsOf(userIds), now);
  }

  private async userIdsFor(userKey: string): Promise<string[]> {
    const users = await this.users.findByKey(this.sessionsConfig.userKeyAttribute, userKey, USERS_PER_KEY);
    return users.map((u) => u.id);
  }

  private async sessionsOf(userIds: string[]): Promise<UserSessionEntity[]> {
    return (await Promise.all(userIds.map((id) => this.sessions.listByUser(id)))).flat();
  }
}

export function describeSession(s: UserSessionEntity): SessionInfoDto {
  return {
    sri: s.sri,
    authnSource: s.authnSource,
    creationTime: iso(s.createdAt),
    lastActivityTime: iso(s.lastActivityAt),
    idleTimeoutMins: s.idleTimeout / 60,
    maxTimeoutMins: s.maxLifetime / 60,
    idleExpiryTime: iso(s.lastActivityAt + s.idleTimeout * 1000),
    maxExpiryTime: iso(s.createdAt + s.maxLifetime * 1000),
    contextData: { ipAddress: s.clientIp, userAgent: s.userAgent },
  };
}

/**
 * HAS_VALID_SESSIONS when one session is valid; SESSION_REVOKED when none is but one was
 * revoked before the end of its maximum lifetime; NO_VALID_SESSIONS otherwise.
 */
export function userSessionStatus(sessions: UserSessionEntity[], now: number): UserSessionStatus {
  if (sessions.some((s) => SessionRepository.isValid(s, now))) return 'HAS_VALID_SESSIONS';
  if (sessions.some((s) => s.revokedAt !== null && now < s.createdAt + s.maxLifetime * 1000)) return 'SESSION_REVOKED';
  return 'NO_VALID_SESSIONS';
}

const iso = (ms: number) => new Date(ms).toISOString();
