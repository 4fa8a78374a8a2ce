import passport, { type Strategy } from 'passport';
import { ApiError, invalidClient } from '@app/common';
import type { ClientAuthRequest } from '../client-auth-method';
import { requestView } from './request-view';

function ignore(): void {}

/**
 * Runs one Passport strategy on a request through `passport.authenticate` and answers with the
 * user it authenticated. Every outcome is the strategy's: `success` resolves; `fail` is a refused
 * client authentication, 401 `invalid_client` (RFC 6749 §5.2) whatever status the strategy
 * suggests, with a string challenge as `WWW-Authenticate` and a challenge's `message` as the
 * description; `error` rejects with the strategy's error (an ApiError keeps its answer, anything
 * else is a 500). `pass` and `redirect` decide nothing, so they refuse as well.
 *
 * The strategy is given by instance, never looked up by name: two applications in one process
 * each run their own, whatever passport's registry holds. Each attempt is a new object over the
 * strategy, since passport sets the attempt's success, fail and error on it, and sees a view of
 * the request (requestView), which takes what passport adds to a request (`logIn`,
 * `isAuthenticated`…) while reading everything else (headers, body, ip, socket) from the request
 * itself.
 */
export function runPassportStrategy<TUser>(strategy: Strategy, req: ClientAuthRequest): Promise<TUser> {
  return new Promise<TUser>((resolve, reject) => {
    const refuse = () => reject(invalidClient());
    const res = { statusCode: 0, setHeader: ignore, end: refuse };
    const authenticate = passport.authenticate(Object.create(strategy) as Strategy, { session: false }, (err: unknown, user: TUser | false | null | undefined, challenge?: unknown) => {
      if (err) reject(err);
      else if (user) resolve(user);
      else reject(refusal(challenge));
    }) as (req: object, res: object, next: (err?: unknown) => void) => void;
    authenticate(requestView(req), res, (err?: unknown) => (err ? reject(err) : refuse()));
  });
}

/** Passport's conventions: a string challenge is a `WWW-Authenticate` value, an object one may carry a message for the client. */
function refusal(challenge: unknown): ApiError {
  if (typeof challenge === 'string' && challenge !== '') return invalidClient(undefined, challenge);
  const message = typeof challenge === 'object' && challenge !== null ? (challenge as { message?: unknown }).message : undefined;
  return invalidClient(typeof message === 'string' && message !== '' ? message : undefined);
}
