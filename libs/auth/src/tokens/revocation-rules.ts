import { ClientEntity, SessionValidationPolicy } from '@app/store';
import { RevocationFacts } from './revocation-facts';

/** Server default for PingFederate's session validation settings; `check_session_revocation_status` is on here. */
export const DEFAULT_SESSION_VALIDATION: Readonly<Required<SessionValidationPolicy>> = Object.freeze({
  include_session_id: true,
  check_session_revocation_status: true,
  check_valid_authn_session: false,
  update_authn_session_activity: false,
});

/** A client's session validation policy: its own settings over the server default. */
export function sessionValidationPolicy(client: Pick<ClientEntity, 'sessionValidation'> | null | undefined): Readonly<Required<SessionValidationPolicy>> {
  // On every user-token check: a client without settings of its own shares the default, no copy.
  const own = client?.sessionValidation;
  return own ? { ...DEFAULT_SESSION_VALIDATION, ...own } : DEFAULT_SESSION_VALIDATION;
}

/**
 * `revoked_reason` of a session ended because its SRI entered the session revocation list. Its
 * tokens follow their client's policy (check_session_revocation_status or
 * check_valid_authn_session), as PingFederate's do; a session ended any other way ends its tokens.
 */
export const SESSION_ENDED_BY_SRI_LIST = 'session_revocation_api';

export type AccessTokenState = { active: true } | { active: false; reason: string };

/**
 * The reason of a token that is inactive only because its user is suspended: reversible, unlike
 * every other reason (the status lists answer it SUSPENDED, the others INVALID).
 */
export const SUSPENDED = 'suspended';

/** What the rules know of a token: its own claims or record (positional in revocationState, so the hot path allocates nothing for it). */
export interface RevocableToken {
  id: string;
  /** The user it was issued for; undefined for a client's own token. */
  userId?: string;
  issuedAt: number;
  expiresAt: number;
  sessionId?: string;
  sri?: string;
}

/**
 * Whether a token this server issued is still good, from the revocation facts: its own
 * revocation and lifetime, the user's "valid after" watermark, its session, the session
 * revocation list under the client's policy, and a suspension of its user. The one place these
 * rules are written: the hot path asks the in-memory RevocationIndex, the store path StoreRevocationFacts.
 *
 * Undefined when the facts cannot tell (the index, for a session id without its start): ask the
 * store. Session validity (check_valid_authn_session) is not a revocation: the store path checks it.
 */
export function revocationState(
  facts: RevocationFacts, tokenId: string, userId: string | undefined, issuedAt: number, expiresAt: number,
  sessionId: string | undefined, sri: string | undefined, policy: Required<SessionValidationPolicy>, now: number,
): AccessTokenState | undefined {
  if (facts.isTokenRevoked(tokenId)) return { active: false, reason: 'revoked' };
  if (expiresAt <= now) return { active: false, reason: 'expired' };
  const validAfter = userId === undefined ? 0 : facts.watermarkOf(userId);
  if (userId !== undefined && issuedAt <= validAfter) return { active: false, reason: 'user_revoked' };
  if (sessionId === undefined) return activeUnlessSuspended(facts, userId);
  const startedAt = facts.sessionStartOf(sessionId);
  if (startedAt === undefined) return undefined;
  // A session opened before a global revocation ended with it, even one committed by a
  // concurrent login after the revocation's UPDATE had run.
  if (startedAt <= validAfter) return { active: false, reason: 'user_revoked' };
  const ended = facts.sessionEndReason(sessionId);
  if (ended !== undefined && ended !== SESSION_ENDED_BY_SRI_LIST) return { active: false, reason: 'session_revoked' };
  // A session ended by the list stays ended after its entry expires or is purged.
  if (policy.check_session_revocation_status && (ended !== undefined || (sri !== undefined && facts.isSriListed(sri, now)))) {
    return { active: false, reason: 'sri_revoked' };
  }
  return activeUnlessSuspended(facts, userId);
}

/** A token the revocations leave active answers inactive while its user is suspended (checked last: a revocation outranks a hold). */
function activeUnlessSuspended(facts: RevocationFacts, userId: string | undefined): AccessTokenState {
  return userId !== undefined && facts.isUserSuspended(userId) ? { active: false, reason: SUSPENDED } : { active: true };
}

/** revocationState for a token described by an object (tests, and callers off the hot path). */
export function revocationStateOf(facts: RevocationFacts, t: RevocableToken, policy: Required<SessionValidationPolicy>, now: number): AccessTokenState | undefined {
  return revocationState(facts, t.id, t.userId, t.issuedAt, t.expiresAt, t.sessionId, t.sri, policy, now);
}
