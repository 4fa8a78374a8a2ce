import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

export type IssuedTokenType = 'access_token' | 'refresh_token' | 'authorization_code';

/** What an authorization code remembers of its request, checked when it is exchanged (RFC 6749 §4.1.3, RFC 7636 §4.6). */
export interface AuthorizationCodeDetails {
  redirect_uri: string;
  code_challenge?: string;
  code_challenge_method?: 'S256';
  nonce?: string;
}

/**
 * A token or grant this server issued. The key is the JWT `jti` for access tokens and the
 * SHA-256 of the token for refresh tokens and codes: raw refresh tokens are never stored.
 */
@Entity('issued_token')
@Index('IDX_issued_token_user', ['userId'])
@Index('IDX_issued_token_session', ['sessionId'])
@Index('IDX_issued_token_expires', ['expiresAt'])
export class IssuedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  type: IssuedTokenType;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 1024, default: '' })
  scope: string;

  /** Refresh-token family: every rotation shares it, so a reused token revokes the whole line. */
  @Column({ name: 'family_id', type: 'varchar', length: 128, nullable: true })
  familyId: string | null;

  @Column({ name: 'issued_at', ...epochMsColumn() })
  issuedAt: number;

  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;

  /** Set when a refresh token has been exchanged (rotation). */
  @Column({ name: 'consumed_at', ...epochMsColumn({ nullable: true }) })
  consumedAt: number | null;

  @Column({ name: 'revoked_at', ...epochMsColumn({ nullable: true }) })
  revokedAt: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 255, nullable: true })
  revokedReason: string | null;

  /**
   * Authorization codes and refresh tokens: the RFC 8707 resources the grant was made for; a
   * token request may narrow them, never widen them. Null: a grant made without `resource`.
   */
  @Column({ ...jsonColumn({ nullable: true }) })
  resources?: string[] | null;

  /** Authorization codes only: the parameters of the request that produced them. */
  @Column({ ...jsonColumn({ nullable: true }) })
  details?: AuthorizationCodeDetails | null;
}
