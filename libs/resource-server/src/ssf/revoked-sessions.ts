import type { AccessTokenClaims } from '../verified-token';

/** What a token verifier asks of a source of revocations it consults (`revocations` of createTokenVerifier). */
export interface RevocationSource {
  /** True when the token's session (`sid`) ended, or its user's (`sub`) sessions all ended after it was issued. */
  isRevoked(claims: AccessTokenClaims): boolean;
}

/**
 * The sessions and users an SSF receiver heard were revoked, in memory. A session is held for
 * `retentionMs` (past it, the session's access tokens have expired anyway); a user's revocation
 * refuses the tokens issued (`iat`) no later than it, for as long. Bounded: past `maxEntries`
 * the oldest entries go first.
 */
export class RevokedSessions implements RevocationSource {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, { at: number; until: number }>();

  constructor(private readonly retentionMs = 24 * 3600 * 1000, private readonly maxEntries = 100_000, private readonly now: () => number = Date.now) {}

  /** A session ended: every token naming it (`sid`) is refused. */
  revokeSession(sid: string): void {
    this.sessions.delete(sid);
    this.sessions.set(sid, this.now() + this.retentionMs);
    this.bound(this.sessions);
  }

  /** Every session of the user ended at `atSeconds`: tokens of the user issued until then are refused. */
  revokeUser(sub: string, atSeconds: number): void {
    const at = Math.max(atSeconds, this.users.get(sub)?.at ?? 0);
    this.users.delete(sub);
    this.users.set(sub, { at, until: this.now() + this.retentionMs });
    this.bound(this.users);
  }

  isRevoked(claims: AccessTokenClaims): boolean {
    const now = this.now();
    const sid = typeof claims.sid === 'string' ? claims.sid : undefined;
    const sessionUntil = sid === undefined ? undefined : this.sessions.get(sid);
    if (sessionUntil !== undefined && sessionUntil > now) return true;
    const user = typeof claims.sub === 'string' ? this.users.get(claims.sub) : undefined;
    return user !== undefined && user.until > now && (typeof claims.iat !== 'number' || claims.iat <= user.at);
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }

  private bound(map: Map<string, unknown>): void {
    // Insertion order is age order (an update re-inserts), so the first keys are the oldest.
    for (const key of map.keys()) {
      if (map.size <= this.maxEntries) break;
      map.delete(key);
    }
  }
}
