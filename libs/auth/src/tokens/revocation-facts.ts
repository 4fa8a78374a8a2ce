/**
 * What the revocation rules (revocationState) need to know, whoever answers: the in-memory
 * RevocationIndex on the hot path, StoreRevocationFacts (read from the store for one token)
 * otherwise. Both answer the same questions the same way, so the rules are written once.
 */
export interface RevocationFacts {
  /** Whether the token was revoked by id (RFC 7009, its family, its client's deletion). */
  isTokenRevoked(tokenId: string): boolean;
  /** The user's "valid after" watermark (epoch ms; 0 when none): tokens issued and sessions started at or before it are revoked. */
  watermarkOf(userId: string): number;
  /**
   * When the session started (epoch ms); undefined when these facts cannot tell, and the rules
   * then cannot answer (the index, for a session id that does not carry its start).
   */
  sessionStartOf(sessionId: string): number | undefined;
  /** Why the session ended (its `revoked_reason`); undefined while it is live. */
  sessionEndReason(sessionId: string): string | undefined;
  /** Whether the SRI is on the session revocation list at `now`. */
  isSriListed(sri: string, now: number): boolean;
  /** Whether the user is suspended: a hold, lifted by resuming, on tokens not otherwise revoked. */
  isUserSuspended(userId: string): boolean;
}
