import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { invalidClient, invalidRequest } from '@app/common';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from './client-auth-method';
import { ClientSecretBasic } from './methods/client-secret-basic.method';
import { ClientSecretPost } from './methods/client-secret-post.method';
import { PrivateKeyJwt } from './methods/private-key-jwt.method';

/** AuthModule's own methods: the defaults, which a host's method of the same name replaces. */
const BUILT_IN: ReadonlySet<Function> = new Set([ClientSecretBasic, ClientSecretPost, PrivateKeyJwt]);

/**
 * The client authentication methods of the application: every provider decorated with
 * `@ClientAuthenticationMethod()`, found once at start. ClientAuthentication picks the one a request
 * presents; discovery lists their names.
 */
@Injectable()
export class ClientAuthMethods implements OnModuleInit {
  private methods: readonly ClientAuthMethod[] = [];
  private methodNames: readonly string[] = [];
  private algorithms: readonly string[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const byName = new Map<string, ClientAuthMethod>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ClientAuthenticationMethod.KEY })) {
      const label = wrapper.metatype?.name ?? String(wrapper.token);
      // On the path of every client-authenticated request: one instance, never one per request.
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) throw new Error(`Client authentication method ${label} must be a singleton provider.`);
      const method = wrapper.instance as ClientAuthMethod | undefined;
      if (!method || [...byName.values()].includes(method)) continue;
      if (typeof method.name !== 'string' || method.name === '' || typeof method.presentedBy !== 'function'
        || typeof method.presentedClientId !== 'function' || typeof method.authenticate !== 'function') {
        throw new Error(`Client authentication method ${label} must implement ClientAuthMethod (name, presentedBy, presentedClientId, authenticate).`);
      }
      const earlier = byName.get(method.name);
      if (earlier && !BUILT_IN.has(earlier.constructor)) {
        if (BUILT_IN.has(method.constructor)) continue;
        throw new Error(`Two client authentication methods are named ${method.name}: ${earlier.constructor.name} and ${label}.`);
      }
      // A host's method takes the built-in's place, in the built-in's position.
      byName.set(method.name, method);
    }
    this.methods = [...byName.values()];
    this.methodNames = [...byName.keys()];
    this.algorithms = [...new Set(this.methods.flatMap((m) => m.signingAlgorithms ?? []))];
  }

  /** The `token_endpoint_auth_method` names, in registration order (what discovery publishes). */
  get names(): readonly string[] {
    return this.methodNames;
  }

  /** The JWS algorithms of the methods that verify signatures. */
  get signingAlgorithms(): readonly string[] {
    return this.algorithms;
  }

  /** Whether the request carries any method's credentials. */
  anyPresented(req: ClientAuthRequest): boolean {
    return this.methods.some((m) => m.presentedBy(req));
  }

  /** The one method the request presents: 401 without any, 400 with several (RFC 6749 §2.3). */
  presentedIn(req: ClientAuthRequest): ClientAuthMethod {
    let found: ClientAuthMethod | undefined;
    for (let i = 0; i < this.methods.length; i++) {
      if (!this.methods[i].presentedBy(req)) continue;
      if (found) throw invalidRequest('Use one client authentication method, not several.');
      found = this.methods[i];
    }
    if (!found) throw invalidClient('Client authentication is required.');
    return found;
  }
}
