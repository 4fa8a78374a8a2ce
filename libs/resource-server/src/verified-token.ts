import type { JWTPayload } from 'jose';

/** The claims of a verified access token: a JWT's claims set, or an RFC 7662 answer for a reference token. */
export interface AccessTokenClaims extends JWTPayload {
  client_id?: string;
  scope?: string;
  status?: { status_list?: { idx: number; uri: string } } & Record<string, unknown>;
}

/** What a successful verification yields; the guard and middlewares put it on `request.accessToken`. */
export interface VerifiedToken {
  payload: AccessTokenClaims;
  /** `scope`, split. */
  scopes: string[];
  /** The bearer token as presented. */
  token: string;
}

/** Verifies bearer access tokens; create one per issuer and audience with createTokenVerifier. */
export interface TokenVerifier {
  /** Resolves with the verified token, or rejects with a ResourceServerError saying why not. */
  verify(token: string): Promise<VerifiedToken>;
}
