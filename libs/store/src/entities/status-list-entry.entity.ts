import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMsColumn } from './columns';

export type StatusListTokenType = 'access_token' | 'id_token';

/**
 * Which token holds an index of a status list, with what the revocation rules need to decide
 * its status. Every instance follows the table by id to learn the others' tokens.
 */
@Entity('status_list_entry')
@Index('UQ_status_list_entry_index', ['listId', 'idx'], { unique: true })
export class StatusListEntryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'list_id', type: 'integer' })
  listId: number;

  @Column({ type: 'integer' })
  idx: number;

  /** The access token's `jti`; null for an ID token, which carries none. */
  @Column({ name: 'token_id', type: 'varchar', length: 128, nullable: true })
  tokenId: string | null;

  @Column({ name: 'token_type', type: 'varchar', length: 16 })
  tokenType: StatusListTokenType;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** Null for a client's own token (client_credentials). */
  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId: string | null;

  /** The session's SRI: the session revocation list names sessions by it. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  sri: string | null;

  @Column({ name: 'issued_at', ...epochMsColumn() })
  issuedAt: number;

  @Index('IDX_status_list_entry_expires')
  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;
}
