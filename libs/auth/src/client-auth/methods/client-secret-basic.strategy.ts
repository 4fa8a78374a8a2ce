import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { connectionSignal, invalidRequest, MaybeAsync } from '@app/common';
import type { RequestAuth } from '../../request-auth';
import type { ClientAuthRequest } from '../client-auth-method';
import type { ClientAuthenticator } from '../client-authenticator.service';
import { formUrlDecode, parseBasicCredentials } from './basic-credentials';

export const CLIENT_SECRET_BASIC = 'client_secret_basic';

/**
 * passport-http's BasicStrategy with client_secret_basic's secret check as its verify callback.
 * BasicStrategy reads the header and decides: no colon in the pair, or an empty id or password,
 * fails (401); otherwise `validate` checks the secret (scrypt, the failure limits, the store).
 * ClientSecretBasic runs it on the credentials that were not verified in the last minute, by
 * instance: @nestjs/passport also registers it in passport's registry, where the last
 * application of a process would win a look-up by name.
 */
export class ClientSecretBasicStrategy extends PassportStrategy(BasicStrategy, CLIENT_SECRET_BASIC) {
  constructor(private readonly authenticator: ClientAuthenticator) {
    // The realm of every other Basic challenge of the server, so a refusal's WWW-Authenticate is the same whoever refused.
    super({ realm: 'revocation-server', passReqToCallback: true });
  }

  /**
   * BasicStrategy splits the decoded pair at every colon and passes the first two pieces, so a
   * secret sent with raw colons (`curl -u id:a:b` sends `a:b`) arrives cut at its first colon.
   * RFC 7617 §2 splits at the first colon only: the secret is the rest of the pair, of which
   * passport's password is the start, and parseBasicCredentials (the hot path's parser) gives it
   * whole. A raw secret that begins with a colon leaves passport an empty password, which it
   * refuses; form-encoded as RFC 6749 §2.3.1 asks (`%3A`), any secret passes.
   */
  validate(req: ClientAuthRequest, userid: string, password: string): MaybeAsync<RequestAuth> {
    const pair = parseBasicCredentials(req.headers.authorization as string);
    const secret = typeof pair === 'object' && pair.id === userid && pair.secret.startsWith(password) ? pair.secret : password;
    let clientId: string;
    let decoded: string;
    try {
      clientId = formUrlDecode(userid);
      decoded = formUrlDecode(secret);
    } catch {
      throw invalidRequest('The Basic credentials are not correctly form-urlencoded.');
    }
    return this.authenticator.authenticate(clientId, decoded, CLIENT_SECRET_BASIC, req.ip, connectionSignal(req));
  }
}
