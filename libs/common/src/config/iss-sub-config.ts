import { IsOptional, IsString, MaxLength } from 'class-validator';
import { validateConfig } from './validate-config';

/** How an RFC 9493 `iss_sub` subject of another issuer maps to this server's users (docs/global-token-revocation.md). */
export interface IssSubConfig {
  /**
   * Per trusted issuer (its URL, as the caller sends it, trailing slashes ignored): the user
   * attribute that holds that issuer's `sub` for the user, e.g. `https://example.okta.com` → `okta_id`.
   */
  attributes: Readonly<Record<string, string>>;
}

/** A user attribute name as the store keeps it and the import file and CLI accept it. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

/** The ISS_SUB_* variables, validated apart from the others since only the user directory reads them. */
export class IssSubEnvironmentVariables {
  /** `issuer=attribute` pairs separated by commas: `https://example.okta.com=okta_id,https://tenant.auth0.com/=auth0_sub`. */
  @IsOptional() @IsString() @MaxLength(8192)
  ISS_SUB_ATTRIBUTES?: string;
}

/** The issuer as a mapping key: trailing slashes are not significant (Auth0's issuers end with one, Okta's do not). */
export function issuerKey(iss: string): string {
  return iss.replace(/\/+$/, '');
}

/** Reads and validates ISS_SUB_ATTRIBUTES; a bad pair throws with the variable's name. */
export function issSubConfig(env: Record<string, string | undefined>): IssSubConfig {
  const v = validateConfig(env, IssSubEnvironmentVariables);
  return { attributes: parseIssSubAttributes(v.ISS_SUB_ATTRIBUTES ?? '') };
}

export function parseIssSubAttributes(value: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    // The issuer is a URL and may hold '=' in its query, so the attribute is after the last one.
    const at = pair.lastIndexOf('=');
    const issuer = at > 0 ? issuerKey(pair.slice(0, at).trim()) : '';
    const attribute = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!isIssuerUrl(issuer) || !ATTRIBUTE_NAME.test(attribute)) {
      throw new Error(`ISS_SUB_ATTRIBUTES must be issuer=attribute pairs separated by commas (an https URL, a user attribute name), got "${pair.slice(0, 80)}"`);
    }
    if (attributes[issuer] !== undefined) throw new Error(`ISS_SUB_ATTRIBUTES names the issuer ${issuer} twice`);
    attributes[issuer] = attribute;
  }
  return attributes;
}

function isIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.hash;
  } catch {
    return false;
  }
}
