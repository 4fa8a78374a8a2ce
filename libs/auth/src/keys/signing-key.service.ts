import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, JWK } from 'jose';
import { APP_CONFIG, AppConfig } from '@app/common';
import { SigningKeyRepository } from '@app/store';
import { CompactSigner, compactSigner } from '../tokens/compact-jws';

export const SIGNING_ALG = 'ES256';

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  /** node:crypto's synchronous signer for this key, when its algorithm has one (compactSigner). */
  compact?: CompactSigner;
  publicKey: KeyLike;
  publicJwk: JWK;
}

/**
 * The token-signing keys. Loaded from SIGNING_KEY_FILE (a private JWK or JWKS) when set;
 * otherwise generated on first start and kept in the store, so every instance on the
 * same store signs and verifies with the same keys.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private keys: LoadedKey[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly repo: SigningKeyRepository) {}

  async onModuleInit(): Promise<void> {
    if (this.config.signingKeyFile) {
      this.keys = await this.loadFromFile(this.config.signingKeyFile);
    } else {
      let stored = await this.repo.listActive();
      if (stored.length === 0) {
        await this.repo.insertIfAbsent(await this.generate());
        stored = await this.repo.listActive();
        this.logger.log(`Generated signing key ${stored[0].kid} (${SIGNING_ALG})`);
      }
      // Same order on every instance: the newest key signs, every active key verifies.
      stored.sort((a, b) => b.createdAt - a.createdAt || a.kid.localeCompare(b.kid));
      this.keys = await Promise.all(stored.map((k) => this.load(k.privateJwk as JWK, k.kid, k.alg)));
    }
  }

  /** The key that signs new tokens. */
  current(): LoadedKey {
    if (this.keys.length === 0) throw new Error('No signing key loaded');
    return this.keys[0];
  }

  find(kid: string | undefined): LoadedKey | undefined {
    return kid ? this.keys.find((k) => k.kid === kid) : undefined;
  }

  /** The public JWKS served at /jwks. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private async generate() {
    const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(privateJwk);
    const { d: _d, ...publicJwk } = privateJwk;
    return { kid, alg: SIGNING_ALG, privateJwk: { ...privateJwk, kid }, publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' }, active: true, createdAt: Date.now() };
  }

  private async loadFromFile(path: string): Promise<LoadedKey[]> {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as JWK | { keys: JWK[] };
    const jwks = 'keys' in parsed ? parsed.keys : [parsed];
    if (jwks.length === 0 || jwks.some((k) => !k.d)) throw new Error(`SIGNING_KEY_FILE ${path} must hold private keys`);
    return Promise.all(jwks.map(async (k) => this.load(k, k.kid ?? (await calculateJwkThumbprint(k)), k.alg ?? SIGNING_ALG)));
  }

  private async load(privateJwk: JWK, kid: string, alg: string): Promise<LoadedKey> {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = privateJwk;
    const publicJwk: JWK = { ...pub, kid, alg, use: 'sig' };
    return {
      kid, alg, privateKey: await importJWK(privateJwk, alg), publicKey: await importJWK(publicJwk, alg), publicJwk,
      compact: compactSigner(privateJwk, alg),
    };
  }
}
