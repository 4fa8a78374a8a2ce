import { createHash } from 'node:crypto';
import { InvalidTokenError, ResourceServerError, StatusUnavailableError } from '../errors';
import { OutboundPolicy, outboundFetch } from '../http/outbound';

/** An RFC 7662 §2.2 answer with `active: true`: the token's claims as the issuer states them. */
export type IntrospectionClaims = Record<string, unknown> & { active: true };

export interface IntrospectionClientOptions {
  endpoint: URL;
  clientId: string;
  clientSecret: string;
  cacheTtlMs: number;
  maxCacheEntries: number;
  httpTimeoutMs: number;
  issuer: string;
  audience: readonly string[];
  clockToleranceSeconds: number;
}

type Outcome = { claims: IntrospectionClaims } | { refusal: ResourceServerError };

/** An introspection answer is a small JSON object; anything larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Asks the issuer's RFC 7662 endpoint about a token, authenticating with client_secret_basic.
 * Answers are cached briefly by the token's SHA-256 (the token itself is not kept), one request
 * at a time per token; a failed request is not cached, and fails closed.
 */
export class IntrospectionClient {
  private readonly answers = new Map<string, { until: number; outcome: Outcome }>();
  private readonly inFlight = new Map<string, Promise<Outcome>>();
  private readonly authorization: string;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly options: IntrospectionClientOptions,
    private readonly now: () => number = Date.now,
  ) {
    policy.check(options.endpoint, 'introspection');
    // RFC 6749 §2.3.1: each part form-urlencoded before joining with ':'.
    this.authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;
  }

  /** The claims of an active token; throws InvalidTokenError, or StatusUnavailableError when no answer was had. */
  async introspect(token: string): Promise<IntrospectionClaims> {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.answers.get(key);
    let outcome: Outcome;
    if (cached && this.now() < cached.until) {
      outcome = cached.outcome;
    } else {
      let pending = this.inFlight.get(key);
      if (!pending) {
        pending = this.ask(token)
          .then((fresh) => (this.remember(key, fresh), fresh))
          .finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      outcome = await pending;
    }
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.claims;
  }

  private async ask(token: string): Promise<Outcome> {
    let status: number;
    let text: string;
    try {
      const res = await outboundFetch(this.policy, this.options.endpoint, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        timeoutMs: this.options.httpTimeoutMs,
        maxBodyBytes: MAX_ANSWER_BYTES,
        // The request carries this server's credentials: they go nowhere else.
        maxRedirects: 0,
        purpose: 'introspection',
      });
      status = res.status;
      text = res.body.toString('utf8');
    } catch (cause) {
      throw new StatusUnavailableError(`The introspection endpoint cannot be reached: ${(cause as Error).message}`, { cause });
    }
    if (status !== 200) throw new StatusUnavailableError(`The introspection endpoint answered HTTP ${status}.`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (typeof answer !== 'object' || answer === null || typeof (answer as { active?: unknown }).active !== 'boolean') {
      throw new StatusUnavailableError('The introspection endpoint answered something other than an RFC 7662 response.');
    }
    const claims = answer as Record<string, unknown>;
    // Inactive covers revoked, expired and unknown alike (RFC 7662 §2.2): no more can be said.
    if (claims.active !== true) return { refusal: new InvalidTokenError('The access token is not active.') };
    const refusal = this.refusalOf(claims);
    return refusal ? { refusal } : { claims: claims as IntrospectionClaims };
  }

  /** RFC 7662 §2.2 members are optional; those present must fit this resource server. */
  private refusalOf(claims: Record<string, unknown>): InvalidTokenError | undefined {
    const now = this.now() / 1000;
    const tolerance = this.options.clockToleranceSeconds;
    // A refresh token, or any other kind the issuer reports as active, is not a bearer access token.
    if (claims.token_type !== undefined && String(claims.token_type).toLowerCase() !== 'bearer') return new InvalidTokenError('The token is not an access token.');
    if (typeof claims.exp === 'number' && claims.exp <= now - tolerance) return new InvalidTokenError('The access token has expired.');
    if (typeof claims.nbf === 'number' && claims.nbf > now + tolerance) return new InvalidTokenError('The access token is not valid yet.');
    if (claims.iss !== undefined && claims.iss !== this.options.issuer) return new InvalidTokenError('The access token is from another issuer.');
    if (claims.aud !== undefined) {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.some((aud) => this.options.audience.includes(aud as string))) return new InvalidTokenError('The access token is for another audience.');
    }
    return undefined;
  }

  private remember(key: string, outcome: Outcome): void {
    if (this.options.cacheTtlMs === 0) return;
    const now = this.now();
    let until = now + this.options.cacheTtlMs;
    if ('claims' in outcome && typeof outcome.claims.exp === 'number') until = Math.min(until, outcome.claims.exp * 1000);
    // Full: drop the oldest (a Map iterates in insertion order, and answers share one lifetime).
    this.answers.delete(key);
    if (this.answers.size >= this.options.maxCacheEntries) this.answers.delete(this.answers.keys().next().value as string);
    this.answers.set(key, { until, outcome });
  }
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
