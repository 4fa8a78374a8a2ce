import { AccessTokenState, DEFAULT_SESSION_VALIDATION, RevocationFacts, revocationState, sessionValidationPolicy, SUSPENDED } from '@app/auth';
import type { ClientEntity, SessionValidationPolicy } from '@app/store';
import { StatusType } from '../../../resource-server/src/status-list';
import type { TrackedEntry } from './entry-table';

/** An ID token has no `jti`: no id of it is ever revoked on its own. */
export const NO_TOKEN_ID = '';

/** The client's policy for this entry: a user's token follows its client's session validation settings. */
export function policyOf(entry: TrackedEntry, client: Pick<ClientEntity, 'sessionValidation'>): Required<SessionValidationPolicy> {
  return entry.userId === null ? DEFAULT_SESSION_VALIDATION : sessionValidationPolicy(client);
}

/**
 * The status an entry's token has, from the revocation rules introspection uses
 * (revocationState over the same facts), so the list and /introspect cannot disagree:
 * INVALID once revoked by any path, SUSPENDED while its user is suspended, VALID otherwise.
 * A token whose client is gone is INVALID, as introspection answers it. The rules are asked as
 * of the token's last instant once it has expired: an expired token keeps the status it died
 * with (relying parties refuse it on `exp` anyway, draft §7.1). Undefined when the facts cannot
 * tell (a session id that does not carry its start): the caller asks the store.
 * Session validity (check_valid_authn_session, idle timeouts) is not revocation: introspection only.
 */
export function entryStatus(entry: TrackedEntry, facts: RevocationFacts, client: Pick<ClientEntity, 'sessionValidation'> | null, now: number): number | undefined {
  if (!client) return StatusType.INVALID;
  const state = entryState(entry, facts, policyOf(entry, client), now);
  if (state === undefined) return undefined;
  return statusOfState(state);
}

/** The instant the rules are asked at: `now`, or the token's last instant once it has expired. */
export function asOf(entry: TrackedEntry, now: number): number {
  return Math.min(now, entry.expiresAt - 1);
}

/** The revocation rules over `facts` for an entry's token, as of asOf; `sri` when the store knows the session's own. */
export function entryState(
  entry: TrackedEntry, facts: RevocationFacts, policy: Required<SessionValidationPolicy>, now: number, sri = entry.sri,
): AccessTokenState | undefined {
  return revocationState(
    facts, entry.tokenId ?? NO_TOKEN_ID, entry.userId ?? undefined, entry.issuedAt, entry.expiresAt, entry.sessionId ?? undefined, sri ?? undefined,
    policy, asOf(entry, now),
  );
}

export function statusOfState(state: AccessTokenState): number {
  if (state.active) return StatusType.VALID;
  return state.reason === SUSPENDED ? StatusType.SUSPENDED : StatusType.INVALID;
}
