import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { HttpConfig, InjectConfig, TokenConfig } from '@app/common';
import { ServerSecretRepository } from '@app/store';
import { poolRandom } from './token-ids';
import { isCompactJws } from './compact-jws';

/** What every reference access token starts with; neither a JWT (two dots) nor a refresh token (no dot) can. */
export const REFERENCE_TOKEN_PREFIX = 'rat1.';

const SECRET_NAME = 'access_token_seal_key';
const BODY = /^[A-Za-z0-9_-]+$/;
const HOUR_MS = 3_600_000;
const HOUR_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_TOKEN_LENGTH = 8192;

/** Whether a token is in the reference format (it may still fail to open). */
export function isReferenceToken(token: string): boolean {
  return token.startsWith(REFERENCE_TOKEN_PREFIX);
}

/** Whether a token has an access token's shape, JWT or reference, rather than a refresh token's. */
export function isAccessTokenShaped(token: string): boolean {
  return isReferenceToken(token) || isCompactJws(token);
}

/**
 * Reference access tokens: an opaque string that only this server (any of its instances) can
 * read, for clients configured with `access_token_format: reference`, the default of both
 * Janssen (`access_token_as_jwt: false`) and PingFederate (internally managed reference tokens).
 * Resource servers introspect them; nothing is stored per token, and the claims and every
 * revocation check are exactly those of the JWT format.
 *
 * Layout after the prefix, base64url: the hour of issue (uint32), a random 96-bit IV, the claims
 * as JSON encrypted with AES-256-GCM (the hour as associated data), the 128-bit tag. The key is
 * derived per hour of issue (HKDF, RFC 5869) from a secret every instance shares through the
 * store, so that no key meets more than an hour's tokens: far below the 2^32 random IVs per key
 * that NIST SP 800-38D §8.3 allows, even at a million tokens a second.
 */
@Injectable()
export class ReferenceTokenCodec implements OnModuleInit {
  private master?: Buffer;
  private loading?: Promise<void>;
  // Raw buffers: createCipheriv took a KeyObject about a microsecond slower in a measurement.
  private readonly keys = new Map<number, Buffer>();

  constructor(@InjectConfig('http') private readonly http: HttpConfig, @InjectConfig('tokens') private readonly tokens: TokenConfig, private readonly secrets: ServerSecretRepository) {}

  onModuleInit(): Promise<void> {
    return this.load();
  }

  /** Reads (or creates) the shared secret; repeated calls share the first. */
  load(): Promise<void> {
    this.loading ??= this.secrets.key(SECRET_NAME).then((master) => {
      this.master = master;
    });
    return this.loading;
  }

  /** A reference token carrying `claims` (which must include `exp`, in seconds). */
  seal(claims: JWTPayload, now = Date.now()): string {
    const hour = Math.floor(now / HOUR_MS);
    const head = Buffer.allocUnsafe(HOUR_BYTES + IV_BYTES);
    head.writeUInt32BE(hour, 0);
    poolRandom(IV_BYTES).copy(head, HOUR_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(hour, hour), head.subarray(HOUR_BYTES));
    cipher.setAAD(head.subarray(0, HOUR_BYTES));
    const body = Buffer.concat([head, cipher.update(JSON.stringify(claims), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return REFERENCE_TOKEN_PREFIX + body.toString('base64url');
  }

  /**
   * The claims of a reference token this server issued, still unexpired and for this issuer;
   * undefined for anything else (tampered, foreign, expired, malformed). Never throws for bad input.
   */
  open(token: string, now = Date.now()): JWTPayload | undefined {
    if (!isReferenceToken(token) || token.length > MAX_TOKEN_LENGTH) return undefined;
    const text = token.slice(REFERENCE_TOKEN_PREFIX.length);
    if (!BODY.test(text)) return undefined;
    const raw = Buffer.from(text, 'base64url');
    if (raw.length <= HOUR_BYTES + IV_BYTES + TAG_BYTES) return undefined;
    const hour = raw.readUInt32BE(0);
    const current = Math.floor(now / HOUR_MS);
    // Not from the future, nor older than the access token lifetime allows: no key is derived for it.
    if (hour > current + 1 || hour < current - this.lifetimeHours()) return undefined;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.keyFor(hour, current), raw.subarray(HOUR_BYTES, HOUR_BYTES + IV_BYTES));
      decipher.setAAD(raw.subarray(0, HOUR_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(raw.subarray(HOUR_BYTES + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
    let claims: unknown;
    try {
      claims = JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof claims !== 'object' || claims === null) return undefined;
    const c = claims as JWTPayload;
    if (c.iss !== this.http.issuer || typeof c.exp !== 'number' || c.exp * 1000 <= now) return undefined;
    return c;
  }

  /** Hours back that an unexpired token may have been issued in. */
  private lifetimeHours(): number {
    return Math.ceil(this.tokens.accessTokenTtl / 3600) + 1;
  }

  /** The key of one hour of issue, derived once; keys of hours whose tokens have all expired are dropped. */
  private keyFor(hour: number, current: number): Buffer {
    let key = this.keys.get(hour);
    if (key) return key;
    if (!this.master) throw new Error('ReferenceTokenCodec used before its key was loaded');
    key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `reference-access-token:${hour}`, 32));
    for (const h of this.keys.keys()) if (h < current - this.lifetimeHours() || h > current + 1) this.keys.delete(h);
    this.keys.set(hour, key);
    return key;
  }
}
