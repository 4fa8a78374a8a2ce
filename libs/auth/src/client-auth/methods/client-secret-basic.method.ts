import { Injectable } from '@nestjs/common';
import { BasicStrategy } from 'passport-http';
import { invalidClient, invalidRequest, MaybeAsync } from '@app/common';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import { ClientAuthenticator } from '../client-authenticator.service';
import type { RequestAuth } from '../../request-auth';

const BASIC_SCHEME = /^basic\s/i;
const WELL_FORMED = /^basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i;
const PLUS = /\+/g;

/** What passport-http's verify callback leaves on one parse: the raw pair, set only when the header held both. */
interface Attempt {
  id?: string;
  secret?: string;
  authenticate(req: ClientAuthRequest): void;
}

/**
 * passport-http's BasicStrategy is the parser. Its verify callback runs synchronously, as a method
 * of the attempt (`this._verify(…)`), so it keeps the pair there; the async check happens after.
 * Each request parses with `Object.create(ATTEMPT)`: no passport middleware, no closure of ours.
 */
const PARSER = new BasicStrategy(function (this: Attempt, id: string, secret: string, done: (err: null, user: boolean) => void) {
  this.id = id;
  this.secret = secret;
  done(null, true);
});
function ignore(): void {}
// success, fail and error are what passport's middleware would add; the outcome is read from id.
const ATTEMPT: object = Object.create(PARSER, { success: { value: ignore }, fail: { value: ignore }, error: { value: ignore } });

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64. Throws URIError on a bad encoding. */
function formDecode(s: string): string {
  return s.indexOf('%') < 0 && s.indexOf('+') < 0 ? s : decodeURIComponent(s.replace(PLUS, ' '));
}

/** client_secret_basic (RFC 6749 §2.3.1): the id and secret in an `Authorization: Basic` header. */
@Injectable()
@ClientAuthenticationMethod()
export class ClientSecretBasic implements ClientAuthMethod {
  readonly checksFailureLimit = true;
  readonly name = 'client_secret_basic';

  constructor(private readonly authenticator: ClientAuthenticator) {}

  presentedBy(req: ClientAuthRequest): boolean {
    const header = req.headers.authorization;
    return typeof header === 'string' && BASIC_SCHEME.test(header);
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    const m = WELL_FORMED.exec(req.headers.authorization as string);
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    try {
      return formDecode(decoded.slice(0, colon));
    } catch {
      return undefined;
    }
  }

  // Not async: credentials verified in the last minute answer at once, the secret check's promise
  // is returned as is, and a refusal throws before any is made.
  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth> {
    if (!WELL_FORMED.test(req.headers.authorization as string)) throw invalidRequest('Malformed Basic authorization header.');
    const attempt = Object.create(ATTEMPT) as Attempt;
    attempt.authenticate(req);
    if (attempt.id === undefined) throw invalidClient('Client authentication failed.');
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(attempt.id);
      secret = formDecode(attempt.secret!);
    } catch {
      throw invalidRequest('The Basic credentials are not correctly form-urlencoded.');
    }
    return this.authenticator.authenticate(clientId, secret, this.name, req.ip);
  }
}
