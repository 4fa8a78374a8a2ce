/** Longest resource indicator accepted, registered or asked for. */
export const MAX_RESOURCE_INDICATOR_LENGTH = 2048;

/**
 * What is wrong with a resource indicator (RFC 8707 §2: "an absolute URI … MUST NOT include a
 * fragment component"), or null. URI characters only (RFC 3986 §2), so the value a client sends
 * and the one registered compare exactly, with nothing to normalize. The one rule for both the
 * clients' registrations and the `resource` parameters of requests.
 */
export function resourceIndicatorProblem(value: string): string | null {
  if (value.length === 0 || value.length > MAX_RESOURCE_INDICATOR_LENGTH) return `must be 1 to ${MAX_RESOURCE_INDICATOR_LENGTH} characters long`;
  if (!/^[\x21-\x7E]+$/.test(value)) return 'must be a URI: printable ASCII, no spaces';
  // Any '#' starts a fragment; URL drops an empty one from `hash`, so look at the text.
  if (value.includes('#')) return 'must not contain a fragment';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || !URL.canParse(value)) return 'must be an absolute URI';
  return null;
}
