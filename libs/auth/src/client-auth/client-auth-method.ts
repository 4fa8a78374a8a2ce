import type { Socket } from 'node:net';
import { DiscoveryService } from '@nestjs/core';
import type { MaybeAsync } from '@app/common';
import type { AuthenticatedRequest, RequestAuth } from '../request-auth';

/** The request as a client authentication method sees it: headers, the parsed body, the client's address and connection. */
export interface ClientAuthRequest extends AuthenticatedRequest {
  ip?: string;
  /** Its closing drops the request's work still queued (connectionSignal). */
  socket?: Socket;
}

/**
 * One way an OAuth client authenticates (RFC 6749 §2.3, RFC 7591 `token_endpoint_auth_method`).
 * ClientAuthentication asks every registered method whether the request carries its credentials:
 * none is a 401, more than one a 400 (§2.3: a client uses one method per request); the one
 * presented authenticates the request. The built-ins (client_secret_basic, client_secret_post,
 * private_key_jwt) are registered exactly as a host's method is: an injectable provider with the
 * `@ClientAuthenticationMethod()` decorator, in any module of the application.
 * PassportClientAuthMethod makes one of any Passport strategy.
 */
export interface ClientAuthMethod {
  /** The `token_endpoint_auth_method` value; clients registered with it authenticate this way. Published in discovery. */
  readonly name: string;
  /** JWS algorithms the method accepts, for methods that verify signatures (discovery's `*_auth_signing_alg_values_supported`). */
  readonly signingAlgorithms?: readonly string[];
  /**
   * True when the method counts its failures with AuthFailureLimiter itself, reserving one just
   * before each check an attacker could learn from (the secret methods: only when the credentials
   * are not among those verified in the last minute). Otherwise the guard reserves one before
   * authenticate(), and keeps it when the method refuses.
   */
  readonly checksFailureLimit?: boolean;
  /** Whether the request carries this method's credentials, well-formed or not. Runs on every request: keep it cheap and free of I/O. */
  presentedBy(req: ClientAuthRequest): boolean;
  /** The client id the credentials claim, before any check (counted by the failure limiter); undefined when unreadable. */
  presentedClientId(req: ClientAuthRequest): string | undefined;
  /**
   * Verifies the credentials and returns who called, with `client` set to the stored client,
   * which must be registered with this method (ClientAuthenticator.registeredClient does both
   * checks). Throws `invalidClient` (401) for refused credentials, which count as failures, and
   * `invalidRequest` (400) for malformed ones, which do not. A method may answer synchronously
   * when it needs no I/O (the secret methods do for credentials verified in the last minute):
   * the guard then costs no promise.
   */
  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth>;
}

/**
 * Registers a provider as a client authentication method. A host's method named like a built-in
 * replaces the built-in; two methods of one name otherwise stop the application at start.
 */
export const ClientAuthenticationMethod = DiscoveryService.createDecorator<void>();
