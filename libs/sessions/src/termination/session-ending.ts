import type { InitiatingEntity } from '@app/store';

/** How and why sessions end: recorded on each session, in its notifications and in the event. */
export interface SessionEnding {
  /** `revoked_reason`, e.g. `end_session`, `global_token_revocation`, `session_revocation_api`, `user_deleted`. */
  reason: string;
  /** `revoked_by`: the calling client, the admin actor, or null. */
  by: string | null;
  /** The instant, epoch milliseconds. */
  at: number;
  /** CAEP's initiating_entity: `user` (end session), `admin` (admin API, CLI, Session Management API), `policy` (global token revocation), `system` (a listed SRI). */
  initiatingEntity: InitiatingEntity;
}

/**
 * Which sessions to end: one by id or SRI, or every live one of a user (`onlyUnsealed`: only
 * those whose SRI is not sealed, which a watermark cannot answer for; see SriCodec).
 */
export type SessionSelector = { id: string } | { sri: string } | { userId: string; onlyUnsealed?: boolean };
