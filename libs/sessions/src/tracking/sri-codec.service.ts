import { Cipher, createCipheriv, createDecipheriv, createHash, createHmac, Decipher, randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ServerSecretRepository } from '@app/store';

const SECRET_NAME = 'sri_seal_key';
const SEALED_SRI = /^[A-Za-z0-9_-]{22}$/;

/** What a sealed SRI says: its user's tag (not the user id) and its session's start, epoch ms. */
export interface OpenedSri {
  tag: string;
  createdAt: number;
}

/**
 * Sealed SRIs: one AES-256 block (22 base64url characters) holding a 48-bit tag of the user
 * (HMAC of the user id), the session's start in milliseconds and 32 random bits, encrypted
 * under a key every instance shares through the store. A relying party sees unrelated random
 * strings, so two sessions of one user cannot be linked; the server reads the user's tag and
 * the start back, so a global revocation (a watermark on the user) answers for every SRI of
 * the sessions it ended without a row per SRI. One block, one key: a raw AES permutation (ECB
 * of exactly one block), which is what a pseudorandom permutation of a 128-bit id needs.
 */
@Injectable()
export class SriCodec implements OnModuleInit {
  private cipher?: Cipher;
  private decipher?: Decipher;
  private macKey?: Buffer;
  private loading?: Promise<void>;

  constructor(private readonly secrets: ServerSecretRepository) {}

  onModuleInit(): Promise<void> {
    return this.load();
  }

  /** Reads (or creates) the shared key; repeated calls share the first. */
  load(): Promise<void> {
    this.loading ??= this.secrets.key(SECRET_NAME).then((raw) => {
      const derive = (label: string) => createHash('sha256').update(label).update(raw).digest();
      // Long-lived: without padding, ECB turns each 16-byte update into 16 bytes at once.
      this.cipher = createCipheriv('aes-256-ecb', derive('sri-seal'), null).setAutoPadding(false);
      this.decipher = createDecipheriv('aes-256-ecb', derive('sri-seal'), null).setAutoPadding(false);
      this.macKey = derive('sri-user-tag');
    });
    return this.loading;
  }

  /** A new sealed SRI for a session of `userId` started at `createdAt`. */
  seal(userId: string, createdAt: number): string {
    if (!this.cipher) throw new Error('SriCodec used before its key was loaded');
    const block = Buffer.alloc(16);
    Buffer.from(this.tagOf(userId), 'base64url').copy(block, 0);
    block.writeUIntBE(createdAt, 6, 6);
    randomBytes(4).copy(block, 12);
    return this.cipher.update(block).toString('base64url');
  }

  /** The tag and start a sealed SRI holds; undefined for any other string (SRIs of earlier versions, foreign ones). */
  open(sri: string): OpenedSri | undefined {
    if (!this.decipher || !SEALED_SRI.test(sri)) return undefined;
    const block = this.decipher.update(Buffer.from(sri, 'base64url'));
    return { tag: block.subarray(0, 6).toString('base64url'), createdAt: block.readUIntBE(6, 6) };
  }

  /** The user's 48-bit tag, as sealed SRIs carry it. */
  tagOf(userId: string): string {
    if (!this.macKey) throw new Error('SriCodec used before its key was loaded');
    return createHmac('sha256', this.macKey).update(userId).digest().subarray(0, 6).toString('base64url');
  }
}
