import { Injectable } from '@nestjs/common';
import { notFound } from '@app/common';
import { SessionRepository, UserSessionEntity } from '@app/store';
import { SessionViewDto } from './dto/session.dto';
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

/** Read-only view of user sessions for the admin API. */
@Injectable()
export class SessionAdminService {
  constructor(private readonly sessions: SessionRepository, private readonly users: UserAdminService) {}

  async listForUser(sub: string): Promise<SessionViewDto[]> {
    await this.users.require(sub);
    const now = Date.now();
    return (await this.sessions.listByUser(sub)).map((s) => toSessionView(s, now));
  }

  async get(id: string): Promise<SessionViewDto> {
    const session = await this.sessions.findById(id);
    if (!session) throw notFound(`No session with the id "${id}".`);
    return toSessionView(session);
  }
}
