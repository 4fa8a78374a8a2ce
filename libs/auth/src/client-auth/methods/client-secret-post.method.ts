import { Injectable } from '@nestjs/common';
import { connectionSignal, invalidRequest, MaybeAsync } from '@app/common';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import { ClientAuthenticator } from '../client-authenticator.service';
import type { RequestAuth } from '../../request-auth';
import { bodyParams } from './form-body';

/** client_secret_post (RFC 6749 §2.3.1): `client_id` and `client_secret` in the request body. */
@Injectable()
@ClientAuthenticationMethod()
export class ClientSecretPost implements ClientAuthMethod {
  readonly checksFailureLimit = true;
  readonly name = 'client_secret_post';

  constructor(private readonly authenticator: ClientAuthenticator) {}

  presentedBy(req: ClientAuthRequest): boolean {
    return bodyParams(req).client_secret !== undefined;
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    const clientId = bodyParams(req).client_id;
    return typeof clientId === 'string' ? clientId : undefined;
  }

  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth> {
    const { client_id: clientId, client_secret: secret } = bodyParams(req);
    if (typeof clientId !== 'string' || typeof secret !== 'string') throw invalidRequest('client_id and client_secret must each appear once.');
    return this.authenticator.authenticate(clientId, secret, this.name, req.ip, connectionSignal(req));
  }
}
