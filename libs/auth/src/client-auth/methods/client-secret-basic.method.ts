import { Injectable } from '@nestjs/common';
import { invalidRequest, MaybeAsync } from '@app/common';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import { ClientAuthenticator } from '../client-authenticator.service';
import { requestView } from '../passport/request-view';
import { runPassportStrategy } from '../passport/run-passport-strategy';
import type { RequestAuth } from '../../request-auth';
import { BasicCredentials, formUrlDecode, parseBasicCredentials } from './basic-credentials';
import { CLIENT_SECRET_BASIC, ClientSecretBasicStrategy } from './client-secret-basic.strategy';

const BASIC_SCHEME = /^basic\s/i;
/** The header as passport-http reads it: the scheme, one space, the token (it splits at every space). */
const ONE_SPACE = /^basic \S+$/i;

/**
 * client_secret_basic (RFC 6749 §2.3.1): the id and secret in an `Authorization: Basic` header.
 * Credentials verified in the last minute (ClientAuthenticator's cache) are answered at once;
 * every other well-formed header is authenticated by passport, through ClientSecretBasicStrategy
 * (passport-http's BasicStrategy).
 */
@Injectable()
@ClientAuthenticationMethod()
export class ClientSecretBasic implements ClientAuthMethod {
  readonly checksFailureLimit = true;
  readonly name = CLIENT_SECRET_BASIC;
  private readonly strategy: ClientSecretBasicStrategy;

  constructor(private readonly authenticator: ClientAuthenticator) {
    this.strategy = new ClientSecretBasicStrategy(authenticator);
  }

  presentedBy(req: ClientAuthRequest): boolean {
    const header = req.headers.authorization;
    return typeof header === 'string' && BASIC_SCHEME.test(header);
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    const credentials = parseBasicCredentials(req.headers.authorization as string);
    if (credentials === undefined || credentials === 'malformed' || credentials.id === '') return undefined;
    try {
      return formUrlDecode(credentials.id);
    } catch {
      return undefined;
    }
  }

  // Not async: credentials verified in the last minute answer at once, without entering passport
  // (the status check and introspection pay nothing for it); passport's promise is returned as is.
  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth> {
    const header = req.headers.authorization as string;
    const credentials = parseBasicCredentials(header);
    // RFC 7235's token68 grammar, which passport-http does not check: the client's mistake (400), not a refusal.
    if (credentials === 'malformed') throw invalidRequest('Malformed Basic authorization header.');
    const known = credentials && this.recentlyVerified(credentials);
    if (known) return known;
    // RFC 7235 allows several spaces after the scheme; passport-http reads one.
    const canonical = ONE_SPACE.test(header) ? req : requestView(req, { headers: { ...req.headers, authorization: `Basic ${header.trim().slice(5).trim()}` } });
    return runPassportStrategy<RequestAuth>(this.strategy, canonical);
  }

  private recentlyVerified({ id, secret }: BasicCredentials): RequestAuth | undefined {
    if (id === '' || secret === '') return undefined;
    try {
      return this.authenticator.recentlyVerified(formUrlDecode(id), formUrlDecode(secret), this.name);
    } catch {
      return undefined; // not correctly form-urlencoded: passport's verify callback answers it (400)
    }
  }
}
