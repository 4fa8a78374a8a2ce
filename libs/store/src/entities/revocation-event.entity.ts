import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMsColumn } from './columns';

export type RevocationEventKind =
  | 'sri' // subject = SRI listed (value = expires_at)
  | 'sri_changed' // subject = SRI whose entry changed or was removed: re-read it
  | 'watermark' // subject = user id (value = valid_after)
  | 'session' // subject = session id ended
  | 'session_sri' // subject = SRI whose session ended
  | 'user_sessions' // subject = user id whose sessions (and their SRIs) ended (value = the instant they ended; null from earlier versions: all of them)
  | 'sessions_marked' // subject = user id whose sessions up to its watermark (value) are marked ended and their SRIs listed
  | 'token' // subject = token id revoked (value = expires_at)
  | 'token_family' // subject = family id revoked
  | 'client_tokens' // subject = client id whose tokens were revoked
  | 'client' // subject = client id created, changed or deleted
  | 'user_suspension'; // subject = user id suspended or resumed: re-read it

/**
 * One row per revocation, written in the same transaction as the revocation itself: every
 * instance reads the feed in id order to keep its in-memory revocation index current.
 */
@Entity('revocation_event')
export class RevocationEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 24 })
  kind: RevocationEventKind;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  value: string | null;

  @Index('IDX_revocation_event_created')
  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;
}
