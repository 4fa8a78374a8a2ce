import type { Strategy } from 'passport';
import { invalidClient, MaybeAsync } from '@app/common';
import type { RequestAuth } from '../../request-auth';
import type { ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import type { ClientAuthenticator } from '../client-authenticator.service';
import { runPassportStrategy } from './run-passport-strategy';

/**
 * A client authentication method made of any Passport strategy (an npm package, or a team's own
 * `PassportStrategy(...)` class from @nestjs/passport). The strategy decides whether the
 * credentials are good (runPassportStrategy: its refusals are 401 `invalid_client`); the method
 * maps the user it authenticated to a stored client, which must be registered with this method.
 *
 * A subclass is registered like any method: `@Injectable()` and `@ClientAuthenticationMethod()`,
 * a singleton provider. It names the method, says when a request presents its credentials (on
 * every client-authenticated request: a header or body look-up, no I/O), and maps the user with
 * `clientIdOf`. Passport runs on every request that presents them (its middleware costs some
 * 25 µs), and the answer is a promise.
 */
export abstract class PassportClientAuthMethod<TUser = unknown> implements ClientAuthMethod {
  abstract readonly name: string;

  protected constructor(protected readonly authenticator: ClientAuthenticator, protected readonly strategy: Strategy) {}

  abstract presentedBy(req: ClientAuthRequest): boolean;

  /**
   * The client id the credentials claim, read before the strategy runs. Refusals are counted
   * against it and the address; undefined (the default, for credentials that name no client
   * before they are checked, like an API key) leaves them uncounted.
   */
  presentedClientId(_req: ClientAuthRequest): string | undefined {
    return undefined;
  }

  /** The id of the stored client the strategy's user stands for; undefined refuses the request (401). */
  protected abstract clientIdOf(user: TUser, req: ClientAuthRequest): MaybeAsync<string | undefined>;

  async authenticate(req: ClientAuthRequest): Promise<RequestAuth> {
    const user = await runPassportStrategy<TUser>(this.strategy, req);
    const clientId = await this.clientIdOf(user, req);
    if (typeof clientId !== 'string' || clientId === '') throw invalidClient('The credentials name no client.');
    const client = await this.authenticator.registeredClient(clientId, this.name);
    return { method: this.name, clientId, scopes: client.scopes, client };
  }
}
