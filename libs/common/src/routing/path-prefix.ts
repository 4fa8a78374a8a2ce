/**
 * A module's `pathPrefix` option as a route prefix: `/a/b` (trailing slashes dropped), or `''`
 * for the root. Anything else is a configuration error, reported at start with the module's name.
 */
export function normalizePathPrefix(prefix: string, owner: string, example: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (p !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(p)) throw new Error(`${owner}: pathPrefix must be a path such as ${example}, got ${prefix}`);
  return p;
}
