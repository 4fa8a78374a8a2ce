import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { AccessTokenState, isAccessTokenShaped, tokenDigest, TokenSigner, TokenStatusService } from '@app/auth';
import { andThen, fixedBody, InjectConfig, IntrospectionConfig, MaybeAsync } from '@app/common';
import { TokenRepository } from '@app/store';

/** Frozen: the same answer object goes out for every introspection of a token (fixedBody). */
export type IntrospectionResult = Readonly<{ active: false } | ({ active: true } & Record<string, unknown>)>;

const INACTIVE: IntrospectionResult = fixedBody({ active: false });

/** The active answer for a token's claims, made (and serialized) once: TokenSigner hands out the same claims object for a token it verified before. */
const ACTIVE_ANSWERS = new WeakMap<JWTPayload, IntrospectionResult>();

/**
 * RFC 7662. Inactive for anything expired, revoked (by any path: RFC 7009, global
 * revocation, session or SRI revocation), unknown or malformed. A store error propagates
 * (503), so a token that could not be checked is never reported active.
 */
@Injectable()
export class IntrospectionService {
  private readonly restricted: boolean;
  private readonly seeAll: ReadonlySet<string>;

  constructor(
    private readonly signer: TokenSigner,
    private readonly status: TokenStatusService,
    private readonly tokens: TokenRepository,
    @InjectConfig('introspection') policy: IntrospectionConfig,
  ) {
    this.restricted = policy.policy === 'restricted';
    this.seeAll = new Set(policy.clients);
  }

  /**
   * `callerId`: the client asking, to which INTROSPECTION_POLICY applies; left out, the caller is
   * the host's own code and sees every token. Not async: an access token verified earlier, of a
   * client in memory, is answered without a promise.
   */
  introspect(token: string, callerId?: string): MaybeAsync<IntrospectionResult> {
    if (isAccessTokenShaped(token)) return andThen(this.signer.verify(token, 'at+jwt'), (claims) => this.accessToken(claims, callerId));
    return this.refreshToken(token, callerId);
  }

  /** Under INTROSPECTION_POLICY=restricted: the token's own client, a client its `aud` names, or one of INTROSPECTION_CLIENTS. */
  private maySee(callerId: string | undefined, clientId: unknown, aud: unknown): boolean {
    if (!this.restricted || callerId === undefined || callerId === clientId || this.seeAll.has(callerId)) return true;
    return aud === callerId || (Array.isArray(aud) && aud.includes(callerId));
  }

  private accessToken(claims: JWTPayload | undefined, callerId: string | undefined): MaybeAsync<IntrospectionResult> {
    if (!claims || typeof claims.jti !== 'string') return INACTIVE;
    if (!this.maySee(callerId, claims.client_id, claims.aud)) return INACTIVE;
    return andThen(this.status.checkAccessToken(claims), (state) => answer(claims, state));
  }

  private async refreshToken(token: string, callerId: string | undefined): Promise<IntrospectionResult> {
    if (token.length > 512) return INACTIVE;
    const record = await this.tokens.findById(tokenDigest(token));
    if (!record || record.type !== 'refresh_token' || record.consumedAt !== null) return INACTIVE;
    // A refresh token is for its own client only (RFC 6749 §1.5): no audience names another.
    if (!this.maySee(callerId, record.clientId, undefined)) return INACTIVE;
    const state = await this.status.checkRecord(record);
    if (!state.active) return INACTIVE;
    return {
      active: true, scope: record.scope, client_id: record.clientId, ...(record.userId ? { sub: record.userId } : {}),
      exp: Math.floor(record.expiresAt / 1000), iat: Math.floor(record.issuedAt / 1000), token_type: 'refresh_token',
    };
  }
}

function answer(claims: JWTPayload, state: AccessTokenState): IntrospectionResult {
  if (!state.active) return INACTIVE;
  let active = ACTIVE_ANSWERS.get(claims);
  if (!active) {
    active = fixedBody({
      active: true, scope: claims.scope, client_id: claims.client_id, sub: claims.sub, aud: claims.aud, iss: claims.iss,
      exp: claims.exp, iat: claims.iat, jti: claims.jti, token_type: 'Bearer',
      ...(claims.sid ? { sid: claims.sid, 'pi.sri': claims['pi.sri'] } : {}),
    }) as IntrospectionResult;
    ACTIVE_ANSWERS.set(claims, active);
  }
  return active;
}
