import { EMAIL_ATTRIBUTES, PHONE_ATTRIBUTES } from '@app/users';

/** How a claim is read from a user attribute: as text, as a boolean (`true`/`false`), or as an address's `formatted` member. */
type ClaimKind = 'string' | 'boolean' | 'address';

interface ClaimSource {
  claim: string;
  /** The user attributes tried in order: the first one the user has gives the value. */
  attributes: readonly string[];
  kind: ClaimKind;
}

const text = (claim: string, ...attributes: string[]): ClaimSource => ({ claim, attributes: [claim, ...attributes], kind: 'string' });

/**
 * The claims each scope releases (OpenID Connect Core 1.0 §5.4) and the user attributes they
 * come from: the attribute named like the claim first, then the usual LDAP names. An attribute
 * the user lacks leaves its claim out. `updated_at` (profile) is when the user's record last
 * changed. docs/audiences-and-userinfo.md has the table.
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly ClaimSource[]>> = {
  profile: [
    text('name', 'displayName', 'cn'), text('family_name', 'sn'), text('given_name', 'givenName'), text('middle_name'), text('nickname'),
    text('preferred_username', 'uid'), text('profile'), text('picture'), text('website'), text('gender'), text('birthdate'), text('zoneinfo'),
    text('locale', 'preferredLanguage'),
  ],
  email: [
    { claim: 'email', attributes: EMAIL_ATTRIBUTES, kind: 'string' },
    { claim: 'email_verified', attributes: ['email_verified'], kind: 'boolean' },
  ],
  address: [{ claim: 'address', attributes: ['address'], kind: 'address' }],
  phone: [
    { claim: 'phone_number', attributes: PHONE_ATTRIBUTES, kind: 'string' },
    { claim: 'phone_number_verified', attributes: ['phone_number_verified'], kind: 'boolean' },
  ],
};

/** Every claim the UserInfo endpoint may answer, for discovery's claims_supported. */
export const USERINFO_CLAIMS: readonly string[] = ['sub', ...Object.values(SCOPE_CLAIMS).flatMap((sources) => sources.map((s) => s.claim)), 'updated_at'];

/** The claims the scopes granted release, from the user's attributes; `sub` is the caller's to add. */
export function userClaims(scopes: readonly string[], attributes: Readonly<Record<string, string>>, updatedAt: number): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const source of SCOPE_CLAIMS[scope] ?? []) {
      const raw = source.attributes.map((name) => attributes[name]).find((value) => value !== undefined && value !== '');
      const value = raw === undefined ? undefined : claimValue(source.kind, raw);
      if (value !== undefined) claims[source.claim] = value;
    }
  }
  if (scopes.includes('profile')) claims.updated_at = Math.floor(updatedAt / 1000);
  return claims;
}

function claimValue(kind: ClaimKind, raw: string): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'boolean': {
      const lower = raw.toLowerCase();
      // Anything but true or false says nothing: left out rather than guessed.
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    case 'address':
      return { formatted: raw };
  }
}
