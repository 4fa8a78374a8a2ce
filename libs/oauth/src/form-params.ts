import { invalidRequest } from '@app/common';

/**
 * Reads request parameters the way RFC 6749 §3.2 wants them: form-encoded, each at most
 * once (a repeated parameter is a 400), only the allow-listed names passed on.
 */
export function formParams<K extends string>(body: unknown, allowed: readonly K[]): Partial<Record<K, string>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('The request body must be application/x-www-form-urlencoded.');
  const src = body as Record<string, unknown>;
  const out: Partial<Record<K, string>> = {};
  for (const name of allowed) {
    const value = src[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalidRequest(`The parameter ${name} must appear once, as a string.`);
    if (value.length > 8192) throw invalidRequest(`The parameter ${name} is too long.`);
    if (value !== '') out[name] = value;
  }
  return out;
}

export function requireParam<K extends string>(params: Partial<Record<K, string>>, name: K): string {
  const value = params[name];
  if (value === undefined) throw invalidRequest(`The parameter ${name} is required.`);
  return value;
}

export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const parts = scope.split(' ').filter(Boolean);
  if (parts.some((s) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) throw invalidRequest('The scope parameter has invalid characters.');
  return [...new Set(parts)];
}
