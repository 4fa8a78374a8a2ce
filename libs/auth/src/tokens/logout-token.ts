/**
 * Seconds a logout token stays valid: enough for the POST, short enough to be useless later
 * (Back-Channel Logout §2.4 asks for a short `exp`). Here, not with the claims in
 * @app/sessions, because a retired signing key must outlive it (SigningKeyRotation).
 */
export const LOGOUT_TOKEN_TTL = 120;
