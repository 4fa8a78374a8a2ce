import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/** The server's token-signing keys; the newest active one signs, all published ones verify. */
@Entity('signing_key')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  @Column({ name: 'private_jwk', ...jsonColumn() })
  privateJwk: Record<string, unknown>;

  @Column({ name: 'public_jwk', ...jsonColumn() })
  publicJwk: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;
}
