import { Injectable, Logger } from '@nestjs/common';
import { conflict, InjectConfig, TokenConfig } from '@app/common';
import { SigningKeyRecord, SigningKeyRepository } from '@app/store';
import { LOGOUT_TOKEN_TTL } from '../tokens/logout-token';
import { generateSigningKey, publicationOrder, readSigningKeyFile, SIGNING_ALGORITHMS } from './signing-keys';

/** `active`: signs new tokens; `retired`: rotated out, published (verifies) until the tokens it signed have expired. */
export type SigningKeyState = 'active' | 'retired';

export interface SigningKeyInfo {
  kid: string;
  alg: string;
  state: SigningKeyState;
  createdAt: number;
  retiredAt: number | null;
  /** When a retired key leaves /jwks and the store; null while active. */
  publishedUntil: number | null;
}

/**
 * The life of the stored signing keys, shared by every instance on the store: an active key per
 * algorithm (created when missing), rotation (a new active key per algorithm, the old ones
 * retired), and the end of a retired key once no unexpired token carries its signature. The
 * server (SigningKeyService), the admin API and the CLI all go through it.
 */
@Injectable()
export class SigningKeyRotation {
  private readonly logger = new Logger('SigningKeys');

  constructor(@InjectConfig('tokens') private readonly tokens: TokenConfig, private readonly repo: SigningKeyRepository) {}

  /**
   * How long a retired key stays published: the longest lifetime of a token it may have signed,
   * plus one reload interval, since another instance may sign with it until its next reload.
   */
  retentionMs(): number {
    return (Math.max(this.tokens.accessTokenTtl, this.tokens.idTokenTtl, LOGOUT_TOKEN_TTL) + this.tokens.signingKeyReloadInterval) * 1000;
  }

  /** The stored keys still published, after creating the active key of an algorithm that has none and deleting retired keys past their time. */
  async published(now = Date.now()): Promise<SigningKeyRecord[]> {
    await this.repo.deleteRetiredBefore(now - this.retentionMs());
    let keys = await this.repo.list();
    const missing = SIGNING_ALGORITHMS.filter((alg) => !keys.some((k) => k.active && k.alg === alg));
    if (missing.length > 0) {
      for (const key of await Promise.all(missing.map((alg) => generateSigningKey(alg, now)))) {
        await this.repo.insertIfAbsent(key);
        this.logger.log(`Generated signing key ${key.kid} (${key.alg})`);
      }
      keys = await this.repo.list();
    }
    return keys.filter((k) => this.stillPublished(k, now));
  }

  /** A new active key per algorithm; the keys they replace retire, still published until the tokens they signed have expired. */
  async rotate(now = Date.now()): Promise<SigningKeyInfo[]> {
    if (this.tokens.signingKeyFile) throw conflict('The signing keys come from SIGNING_KEY_FILE: rotate them by changing that file (docs/operations.md#signing-keys).');
    const fresh = await Promise.all(SIGNING_ALGORITHMS.map((alg) => generateSigningKey(alg, now)));
    await this.repo.rotate(fresh, now);
    this.logger.log(`Rotated the signing keys: ${fresh.map((k) => `${k.kid} (${k.alg})`).join(', ')} now sign`);
    return this.list(now);
  }

  /** Every key still published, in /jwks's order: the store's, or SIGNING_KEY_FILE's (all active, in the file's order). */
  async list(now = Date.now()): Promise<SigningKeyInfo[]> {
    const file = this.tokens.signingKeyFile;
    const keys = file ? await readSigningKeyFile(file) : (await this.repo.list()).sort(publicationOrder);
    return keys
      .filter((k) => this.stillPublished(k, now))
      .map((k) => ({
        kid: k.kid, alg: k.alg, state: k.active ? 'active' as const : 'retired' as const, createdAt: k.createdAt, retiredAt: k.retiredAt,
        publishedUntil: k.active || k.retiredAt === null ? null : k.retiredAt + this.retentionMs(),
      }));
  }

  private stillPublished(k: Pick<SigningKeyRecord, 'active' | 'retiredAt'>, now: number): boolean {
    return k.active || k.retiredAt === null || k.retiredAt + this.retentionMs() >= now;
  }
}
