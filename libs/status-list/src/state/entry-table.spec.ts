import { RevocationFacts } from '@app/auth';
import { StatusType } from '../../../resource-server/src/status-list';
import { EntryTable, TrackedEntry } from './entry-table';
import { entryStatus } from './entry-status';

const NOW = 1_800_000_000_000;
const entry = (over: Partial<TrackedEntry>): TrackedEntry => ({
  listId: 1, idx: 0, tokenId: 't', clientId: 'c', userId: 'u', sessionId: null, sri: null, issuedAt: NOW - 1000, expiresAt: NOW + 3_600_000, ...over,
});

/** Facts with nothing revoked but what is given. */
function facts(over: Partial<RevocationFacts> = {}): RevocationFacts {
  return {
    isTokenRevoked: () => false, watermarkOf: () => 0, sessionStartOf: () => NOW - 10_000, sessionEndReason: () => undefined, isSriListed: () => false,
    isUserSuspended: () => false,
    ...over,
  } as RevocationFacts;
}

describe('EntryTable', () => {
  it('finds the entries each kind of revocation change reaches, and no other', () => {
    const table = new EntryTable();
    const a = entry({ idx: 1, tokenId: 'ta', userId: 'u1', sessionId: 's1', sri: 'sri1', clientId: 'c1' });
    const b = entry({ idx: 2, tokenId: null, userId: 'u1', sessionId: 's1', sri: 'sri1', clientId: 'c1' });
    const c = entry({ idx: 3, tokenId: 'tc', userId: null, clientId: 'c2' });
    for (const e of [a, b, c]) expect(table.add(e)).toBe(true);
    expect(table.add({ ...a })).toBe(false);
    const of = (change: Parameters<EntryTable['affectedBy']>[0]) => [...table.affectedBy(change)].map((e) => e.idx).sort();
    expect(of({ kind: 'token_revoked', tokenId: 'ta', expiresAt: NOW })).toEqual([1]);
    expect(of({ kind: 'token_revoked', tokenId: 'tc', expiresAt: NOW })).toEqual([3]);
    expect(of({ kind: 'watermark_raised', userId: 'u1', validAfter: NOW })).toEqual([1, 2]);
    expect(of({ kind: 'session_ended', sessionId: 's1', reason: 'logout', sri: 'other', endedAt: NOW })).toEqual([1, 2]);
    expect(of({ kind: 'sri_listed', sri: 'sri1', expiresAt: NOW })).toEqual([1, 2]);
    expect(of({ kind: 'client_changed', clientId: 'c2' })).toEqual([3]);
    expect(of({ kind: 'user_suspended', userId: 'u1', suspended: true })).toEqual([1, 2]);
    expect(of({ kind: 'watermark_raised', userId: 'nobody', validAfter: NOW })).toEqual([]);
    expect(table.removeExpired(NOW + 3_600_001).length).toBe(3);
    expect(table.size).toBe(0);
    expect(of({ kind: 'client_changed', clientId: 'c2' })).toEqual([]);
  });
});

describe('entryStatus', () => {
  it('answers with the revocation rules: INVALID when revoked by any fact, VALID otherwise', () => {
    const client = { sessionValidation: null };
    expect(entryStatus(entry({}), facts(), client, NOW)).toBe(StatusType.VALID);
    expect(entryStatus(entry({}), facts({ isTokenRevoked: (id) => id === 't' }), client, NOW)).toBe(StatusType.INVALID);
    expect(entryStatus(entry({}), facts({ watermarkOf: () => NOW }), client, NOW)).toBe(StatusType.INVALID);
    expect(entryStatus(entry({ sessionId: 's' }), facts({ sessionEndReason: () => 'logout' }), client, NOW)).toBe(StatusType.INVALID);
    expect(entryStatus(entry({ sessionId: 's', sri: 'x' }), facts({ isSriListed: () => true }), client, NOW)).toBe(StatusType.INVALID);
    // The client's policy: an SRI on the list does not end tokens of a client that does not check it.
    const lenient = { sessionValidation: { check_session_revocation_status: false } };
    expect(entryStatus(entry({ sessionId: 's', sri: 'x' }), facts({ isSriListed: () => true }), lenient, NOW)).toBe(StatusType.VALID);
    // A client's own token has no user: a watermark of a user with its id does not reach it.
    expect(entryStatus(entry({ userId: null }), facts({ watermarkOf: () => NOW }), client, NOW)).toBe(StatusType.VALID);
    expect(entryStatus(entry({}), facts(), null, NOW)).toBe(StatusType.INVALID);
    // Suspension is a hold: SUSPENDED, unless a revocation already made the token INVALID.
    expect(entryStatus(entry({}), facts({ isUserSuspended: () => true }), client, NOW)).toBe(StatusType.SUSPENDED);
    expect(entryStatus(entry({}), facts({ isUserSuspended: () => true, isTokenRevoked: () => true }), client, NOW)).toBe(StatusType.INVALID);
    expect(entryStatus(entry({ userId: null }), facts({ isUserSuspended: () => true }), client, NOW)).toBe(StatusType.VALID);
    // The index cannot place a session that does not carry its start: the store must answer.
    expect(entryStatus(entry({ sessionId: 's' }), facts({ sessionStartOf: () => undefined }), client, NOW)).toBeUndefined();
  });

  it('keeps the status an expired token died with', () => {
    const expired = entry({ expiresAt: NOW - 1 });
    expect(entryStatus(expired, facts(), { sessionValidation: null }, NOW)).toBe(StatusType.VALID);
    expect(entryStatus(expired, facts({ isTokenRevoked: () => true }), { sessionValidation: null }, NOW)).toBe(StatusType.INVALID);
  });
});
