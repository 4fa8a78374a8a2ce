import { invalidRequest } from '@app/common';

/** The JSON object a management request must carry (400 otherwise). */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** `stream_id`, required by every call that names a stream. */
export function requiredStreamId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) throw invalidRequest('stream_id is required: the id of one of your streams.');
  return value;
}

/** An optional string member of at most `max` characters. */
export function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) throw invalidRequest(`${name} must be a string of at most ${max} characters.`);
  return value;
}
