import { Injectable } from '@nestjs/common';
import { invalidClient, invalidRequest, MaybeAsync } from '@app/common';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import { ClientAuthenticator } from '../client-authenticator.service';
import type { RequestAuth } from '../../request-auth';
import { parseBasicCredentials } from './basic-credentials';

const BASIC_SCHEME = /^basic\s/i;
const PLUS = /\+/g;

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
    const credentials = parseBasicCredentials(req.headers.authorization as string);
    if (credentials === undefined || credentials === 'malformed' || credentials.id === '') return undefined;
    try {
      return formDecode(credentials.id);
    } catch {
      return undefined;
    }
  }

  // Not async: credentials verified in the last minute answer at once, the secret check's promise
  // is returned as is, and a refusal throws before any is made.
  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth> {
    const credentials = parseBasicCredentials(req.headers.authorization as string);
    if (credentials === 'malformed') throw invalidRequest('Malformed Basic authorization header.');
    if (credentials === undefined || credentials.id === '' || credentials.secret === '') throw invalidClient('Client authentication failed.');
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(credentials.id);
      secret = formDecode(credentials.secret);
    } catch {
      throw invalidRequest('The Basic credentials are not correctly form-urlencoded.');
    }
    return this.authenticator.authenticate(clientId, secret, this.name, req.ip);
  }
}
