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

/** The typed events of user sessions; more may join the map. */
export interface SessionEventMap {
  'session.ended': SessionEndedEvent;
}

/** In-process session events, published after commit (never for work that rolled back). */
@Injectable()
export class SessionEvents extends TypedEvents<SessionEventMap> {}
