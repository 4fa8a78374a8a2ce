import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/**
 * The server's token-signing keys. The newest active key of each algorithm signs; a retired key
 * (rotated out) still verifies, and stays published, until every token it signed has expired.
 */
@Entity('signing_key')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  /** The private JWK sealed under the key-encryption key (KeySealer): a string; a JWK object where none was set. */
  @Column({ name: 'private_jwk', ...jsonColumn() })
  privateJwk: Record<string, unknown> | string;

  @Column({ name: 'public_jwk', ...jsonColumn() })
  publicJwk: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  /** When a rotation took the key out of signing; null while active. */
  @Column({ name: 'retired_at', ...epochMsColumn({ nullable: true }) })
  retiredAt: number | null;
}
