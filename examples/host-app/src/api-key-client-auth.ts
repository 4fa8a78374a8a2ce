import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ClientAuthenticationMethod, ClientAuthenticator, ClientAuthRequest, PassportClientAuthMethod } from '@app/auth';

/** Where the host's clients send their API key. */
export const API_KEY_HEADER = 'x-api-key';

/** The host's API keys, each issued to one OAuth client. Kept as SHA-256 digests: the map holds no usable key. */
export class HostApiKeys {
  private readonly clientIds = new Map<string, string>();

  add(apiKey: string, clientId: string): void {
    this.clientIds.set(digest(apiKey), clientId);
  }

  clientOf(apiKey: string): string | undefined {
    return this.clientIds.get(digest(apiKey));
  }
}

/** The strategy the host's team already had: passport-headerapikey from npm, the @nestjs/passport way. */
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'host-api-key') {
  constructor(private readonly keys: HostApiKeys) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  validate(apiKey: string): { clientId: string } | null {
    const clientId = this.keys.clientOf(apiKey);
    return clientId === undefined ? null : { clientId };
  }
}

/**
 * That strategy as the client authentication method `api_key`: a client registered with it
 * (`token_endpoint_auth_method: api_key`) calls the modules' client-authenticated endpoints with
 * its key in `X-Api-Key`. Passport decides whether the key is good; the method maps its user to
 * the stored client.
 */
@Injectable()
@ClientAuthenticationMethod()
export class ApiKeyClientAuth extends PassportClientAuthMethod<{ clientId: string }> {
  readonly name = 'api_key';
  readonly keys: HostApiKeys;

  constructor(authenticator: ClientAuthenticator) {
    const keys = new HostApiKeys();
    super(authenticator, new ApiKeyStrategy(keys));
    this.keys = keys;
  }

  presentedBy(req: ClientAuthRequest): boolean {
    return req.headers[API_KEY_HEADER] !== undefined;
  }

  protected clientIdOf(user: { clientId: string }): string {
    return user.clientId;
  }
}

function digest(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('base64url');
}
