import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ResourceServerError } from '../errors';
import { authenticate, bearerErrorAnswer, VERIFIED_TOKEN_PROPERTY } from '../http/bearer';
import { requireScopes } from '../scopes';
import type { TokenVerifier, VerifiedToken } from '../verified-token';
import { ALLOW_ANONYMOUS } from './allow-anonymous.decorator';
import { RESOURCE_SERVER_OPTIONS } from './resource-server.module-definition';
import { TOKEN_VERIFIER, type ResourceServerModuleOptions } from './resource-server.options';
import { REQUIRED_SCOPES } from './required-scopes.metadata';

/** Tokens this process verified, by request: a route guarded twice (globally and by @RequireScopes) verifies once. */
const verifiedByRequest = new WeakMap<object, VerifiedToken>();

/**
 * Reads `Authorization: Bearer`, verifies the token, checks the scopes that @RequireScopes put
 * on the handler and its controller (all of them, merged), and puts the token on
 * `request.accessToken`. A refusal is thrown as an HttpException with the OAuth error body,
 * after the WWW-Authenticate challenge was set on the response.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerModuleOptions,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP carries bearer tokens; refusing the rest keeps a global guard closed on them.
    if (context.getType() !== 'http') return false;
    const targets = [context.getHandler(), context.getClass()];
    const declared = this.reflector.getAll<Array<readonly string[] | undefined>>(REQUIRED_SCOPES, targets).filter((s) => s !== undefined);
    // @RequireScopes wins over @AllowAnonymous: a declared requirement is always enforced.
    if (declared.length === 0 && this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_ANONYMOUS, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: { authorization?: string | string[] }; [VERIFIED_TOKEN_PROPERTY]?: VerifiedToken }>();
    try {
      let token = verifiedByRequest.get(request);
      if (!token) {
        token = await authenticate(this.verifier, request.headers.authorization);
        verifiedByRequest.set(request, token);
        request[VERIFIED_TOKEN_PROPERTY] = token;
      }
      requireScopes(token, declared.flat());
      return true;
    } catch (err) {
      if (!(err instanceof ResourceServerError)) throw err;
      const answer = bearerErrorAnswer(err, this.options.realm);
      const response = http.getResponse<{ header?: (name: string, value: string) => unknown; setHeader?: (name: string, value: string) => unknown }>();
      for (const [name, value] of Object.entries(answer.headers)) {
        // Fastify's reply and Express's response have header(); a bare node:http one has setHeader().
        if (typeof response.header === 'function') response.header(name, value);
        else response.setHeader?.(name, value);
      }
      throw new HttpException(answer.body, answer.status, { cause: err });
    }
  }
}
