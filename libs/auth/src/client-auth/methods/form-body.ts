import type { ClientAuthRequest } from '../client-auth-method';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** The parsed request body (form or JSON) as parameters; an absent or non-object body has none. */
export function bodyParams(req: ClientAuthRequest): Readonly<Record<string, unknown>> {
  const body = req.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : EMPTY;
}
