import type { TokenVerifierOptions } from '../token-verifier.options';

/** ResourceServerModule.forRoot's options: the verifier's, and the challenge's realm. */
export interface ResourceServerModuleOptions extends TokenVerifierOptions {
  /** The `realm` of the WWW-Authenticate challenge. Default none. */
  realm?: string;
}

/**
 * Options that shape the module itself, so they are given directly, to forRootAsync too.
 * `protectAllRoutes` (default true) registers the guard globally: every route needs a valid
 * bearer token unless it says @AllowAnonymous(), so a forgotten decorator fails closed.
 */
export interface ResourceServerModuleExtras {
  protectAllRoutes: boolean;
}

/** Injects the TokenVerifier the module built: `@Inject(TOKEN_VERIFIER) verifier: TokenVerifier`. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
