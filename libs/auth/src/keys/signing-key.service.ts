import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { importJWK, JWK } from 'jose';
import { InjectConfig, TokenConfig } from '@app/common';
import type { SigningAlg, SigningKeyRecord } from '@app/store';
import { CompactSigner, compactSigner } from '../tokens/compact-jws';
import { SigningKeyRotation } from './signing-key-rotation.service';
import { ACCESS_TOKEN_SIGNING_ALG, publicationOrder, publicJwkOf, readSigningKeyFile, SIGNING_ALGORITHMS } from './signing-keys';

/** Least time between two reloads that a token with an unknown kid may cause (a key another instance just made). */
const UNKNOWN_KID_RELOAD_MS = 1000;

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

export interface LoadedKey {
  kid: string;
  alg: string;
  /** Signs new tokens (else retired: verifies only). */
  active: boolean;
  createdAt: number;
  privateKey: KeyLike;
  /** node:crypto's synchronous signer for this key, when its algorithm has one (compactSigner). */
  compact?: CompactSigner;
  publicKey: KeyLike;
  publicJwk: JWK;
}

/**
 * The token-signing keys in memory. Loaded from SIGNING_KEY_FILE (a private JWK or JWKS) when
 * set; otherwise from the store (SigningKeyRotation: an active ES256 and RS256 key, generated on
 * first start, and the retired keys still published), read again every
 * SIGNING_KEY_RELOAD_INTERVAL seconds and whenever a token names a kid not loaded yet, so that a
 * rotation made on any instance or by the CLI reaches every instance.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys');
  private keys: LoadedKey[] = [];
  private reloading: Promise<void> = Promise.resolve();
  private lastReload = 0;
  private timer?: NodeJS.Timeout;

  constructor(@InjectConfig('tokens') private readonly tokens: TokenConfig, private readonly rotation: SigningKeyRotation) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (this.tokens.signingKeyFile) {
      const missing = SIGNING_ALGORITHMS.filter((alg) => !this.keys.some((k) => k.alg === alg));
      if (missing.length > 0) this.logger.warn(`SIGNING_KEY_FILE holds no ${missing.join(' or ')} key: tokens asking for it are signed with ${this.keys[0].alg}`);
      return;
    }
    this.timer = setInterval(() => void this.reload().catch((e: Error) => this.logger.warn(`Reading the signing keys failed, the loaded ones stay: ${e.message}`)), this.tokens.signingKeyReloadInterval * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads the keys again; a call waits for a read that starts after it (a rotation just committed is seen). */
  reload(): Promise<void> {
    this.reloading = this.reloading.catch(() => undefined).then(() => this.read());
    return this.reloading;
  }

  /** The key that signs new tokens of `alg`: the active key of that algorithm (another active one if the key file holds none). */
  current(alg: SigningAlg = ACCESS_TOKEN_SIGNING_ALG): LoadedKey {
    const key = this.keys.find((k) => k.active && k.alg === alg) ?? this.keys.find((k) => k.active);
    if (!key) throw new Error('No signing key loaded');
    return key;
  }

  /** A published key (active or retired) by kid, among those loaded. */
  find(kid: string | undefined): LoadedKey | undefined {
    return kid ? this.keys.find((k) => k.kid === kid) : undefined;
  }

  /** A published key by kid, reading the store again first when none is loaded (at most once a second, whatever kids strangers send). */
  async resolve(kid: string | undefined): Promise<LoadedKey | undefined> {
    const found = this.find(kid);
    if (found || !kid || this.tokens.signingKeyFile || Date.now() - this.lastReload < UNKNOWN_KID_RELOAD_MS) return found;
    await this.reload();
    return this.find(kid);
  }

  /** The public JWKS served at /jwks: every key still published, active ones first. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private async read(): Promise<void> {
    this.lastReload = Date.now();
    const file = this.tokens.signingKeyFile;
    const records = file ? await readSigningKeyFile(file) : (await this.rotation.published()).sort(publicationOrder);
    const loaded = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = await Promise.all(records.map(async (r) => {
      const known = loaded.get(r.kid);
      return known && known.alg === r.alg ? { ...known, active: r.active } : this.load(r);
    }));
  }

  private async load(r: SigningKeyRecord): Promise<LoadedKey> {
    const privateJwk = r.privateJwk as JWK;
    const publicJwk = publicJwkOf(privateJwk, r.kid, r.alg);
    return {
      kid: r.kid, alg: r.alg, active: r.active, createdAt: r.createdAt,
      privateKey: await importJWK(privateJwk, r.alg), publicKey: await importJWK(publicJwk, r.alg), publicJwk,
      compact: compactSigner(privateJwk, r.alg),
    };
  }
}
