import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { serverBusy } from '@app/common';
import { UserEntity, UserRepository } from '@app/store';
import { verifySecret } from '../secrets/secret-hasher';
import { SignInThrottle, usernameDigest } from './sign-in-throttle.service';

/** Where a user signed in: the password grant at /token, or the sign-in form at /authorize. */
export type SignInChannel = 'password_grant' | 'form';
export type SignInResult = 'success' | 'failure' | 'throttled';

export interface SignInAttempt {
  username: string;
  password: string;
  /** The client the user signs in to. */
  clientId: string;
  /** The client address (`request.ip`, which honours TRUST_PROXY). */
  ip?: string;
  via: SignInChannel;
  /** Aborts when the caller has gone: a password check still waiting for its hashing turn is dropped. */
  signal?: AbortSignal;
}

export type SignInOutcome =
  | { result: 'success'; user: UserEntity }
  | { result: 'failure' }
  | { result: 'throttled'; retryAfterSeconds: number };

// A valid hash of a random value, checked against when the user does not exist, so the answer
// time does not reveal which usernames exist.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Checks a user's password, for the password grant and the sign-in form alike: SignInThrottle
 * first (refusal, or a reserved failure and its delay), then the user (`uid`) and the password.
 * Each attempt is logged once, without its password or username: a digest of the username
 * (which may be a password typed in the wrong field) and the user id when the user is known;
 * and reported to the listeners (metrics). The HTTP answer is the caller's.
 */
@Injectable()
export class PasswordSignIn {
  private readonly logger = new Logger('SignIn');
  private readonly listeners: ((result: SignInResult, via: SignInChannel) => void)[] = [];

  constructor(private readonly throttle: SignInThrottle, private readonly users: UserRepository) {}

  /** Called once per attempt with its result (metrics count them). Must not throw. */
  onAttempt(listener: (result: SignInResult, via: SignInChannel) => void): void {
    this.listeners.push(listener);
  }

  async attempt(attempt: SignInAttempt): Promise<SignInOutcome> {
    const reservation = await this.throttle.reserve(attempt.username, attempt.ip);
    if (!reservation.allowed) {
      // A lockout is worth one warning; the refusals after it would let a flood fill the log.
      this.report(attempt, 'throttled', undefined, reservation.first ? 'warn' : 'debug', ` retry_after=${reservation.retryAfterSeconds}`);
      return { result: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    }
    let user: UserEntity | undefined;
    let ok: boolean;
    try {
      // A caller gone while it waits is answered as one gone while waiting to hash: nobody reads it.
      if (reservation.delayMs > 0) await sleep(reservation.delayMs, undefined, { signal: attempt.signal }).catch(() => Promise.reject(serverBusy(1)));
      [user] = await this.users.findByAttribute('uid', attempt.username, 1);
      ok = await verifySecret(attempt.password, user?.passwordHash ?? DUMMY_HASH, { signal: attempt.signal });
    } catch (err) {
      // Not a guess that failed: an outage must not lock users out.
      await reservation.cancel();
      throw err;
    }
    // A disabled user is answered as a wrong password: the answer tells a guesser nothing more.
    if (!user || !ok || user.disabled) {
      this.report(attempt, 'failure', user, 'log');
      return { result: 'failure' };
    }
    await reservation.succeeded();
    this.report(attempt, 'success', user, 'log');
    return { result: 'success', user };
  }

  private report(attempt: SignInAttempt, result: SignInResult, user: UserEntity | undefined, level: 'log' | 'warn' | 'debug', extra = ''): void {
    const who = `username_sha256=${usernameDigest(attempt.username).slice(0, 16)}${user ? ` user=${user.id}` : ''}`;
    this.logger[level](`sign-in ${result} via=${attempt.via} client=${attempt.clientId} ip=${attempt.ip ?? '-'} ${who}${extra}`);
    for (const listener of this.listeners) listener(result, attempt.via);
  }
}
