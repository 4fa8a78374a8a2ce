import { Injectable } from '@nestjs/common';
import { newOpaqueToken, newTokenId } from '@app/auth';
import { idleTimeoutFor, InjectConfig, SessionConfig } from '@app/common';
import { SessionRepository, UserSessionEntity } from '@app/store';

/** The host signs its users in itself; it records their sessions in the store so the modules can end them. */
@Injectable()
export class HostSessions {
  constructor(@InjectConfig('sessions') private readonly sessionsConfig: SessionConfig, private readonly sessions: SessionRepository) {}

  async start(userId: string, clientId: string, now = Date.now()): Promise<UserSessionEntity> {
    const session = this.sessions.create({
      id: newTokenId(now), sri: newOpaqueToken(24), userId, clientIds: [clientId], authnSource: 'host', clientIp: null, userAgent: null,
      createdAt: now, lastActivityAt: now, idleTimeout: idleTimeoutFor(this.sessionsConfig, 'host'), maxLifetime: this.sessionsConfig.maxLifetime,
      revokedAt: null, revokedReason: null, revokedBy: null,
    });
    await this.sessions.insert(session);
    return session;
  }
}
