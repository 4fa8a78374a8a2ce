import { Injectable } from '@nestjs/common';
import { TypedEvents } from '@app/common';
import type { InitiatingEntity } from '@app/store';

/** A session as it was when it ended. */
export interface EndedSession {
  /** `sid` of the session's ID tokens. */
  id: string;
  /** PingFederate's session reference identifier (`pi.sri`). */
  sri: string;
  userId: string;
  /** Every client that used the session, in order of first use. */
  clientIds: string[];
}

/** Published once the transaction that ended the sessions has committed. */
export interface SessionEndedEvent {
  sessions: EndedSession[];
  /** The `revoked_reason` recorded on them (e.g. `end_session`, `global_token_revocation`). */
  reason: string;
  /** Who ended them: a client id, an admin actor, or null. */
  by: string | null;
  /** When, epoch milliseconds. */
  at: number;
  initiatingEntity: InitiatingEntity;
  /** Notifications queued in the outbox for them (back-channel logout and CAEP). */
  notifications: number;
}

/**
 * Published once a global revocation of a user has committed (Global Token Revocation, the CLI's
 * `users revoke`): every token issued to the user until `at` is revoked, whether or not they had
 * a live session (the sessions it ended come as a `session.ended` too).
 */
export interface UserRevokedEvent {
  userId: string;
  /** The `revoked_reason` recorded on the ended sessions (`global_token_revocation`). */
  reason: string;
  /** The caller: a client id, or the admin actor. */
  by: string;
  /** When, epoch milliseconds: tokens issued before are revoked. */
  at: number;
  initiatingEntity: InitiatingEntity;
  /**
   * Sessions that were live and are now ended, when counted (the CLI's revocation); from the
   * endpoint, only those ended in the transaction (unsealed SRIs): the rest end with the
   * watermark, uncounted, and SessionWatermarkWorker's `session.ended` events count them.
   */
  sessionsEnded: number;
}

/** The typed events of user sessions and revocations; more may join the map. */
export interface SessionEventMap {
  'session.ended': SessionEndedEvent;
  'user.revoked': UserRevokedEvent;
}

/** In-process session events, published after commit (never for work that rolled back). */
@Injectable()
export class SessionEvents extends TypedEvents<SessionEventMap> {}
