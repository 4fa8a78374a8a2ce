import { SessionMgmtErrors } from './session-mgmt.errors';

/** The user_attribute value column holds 1024 characters. */
const USER_KEY_MAX_LENGTH = 1024;

/** A user key from the path (Fastify has already URL-decoded it, so `%40` is `@`). */
export function parseUserKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > USER_KEY_MAX_LENGTH || /\p{Cc}/u.test(value)) {
    throw SessionMgmtErrors.invalidUserKey();
  }
  return value;
}
