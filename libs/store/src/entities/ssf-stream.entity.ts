import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/** SSF 1.0 §8.1.2: a stream transmits events, holds them (`paused`), or neither (`disabled`). */
export type SsfStreamStatus = 'enabled' | 'paused' | 'disabled';

/** RFC 8935 push (the receiver's endpoint) or RFC 8936 poll (the transmitter's endpoint). */
export type SsfDeliveryMethod = 'urn:ietf:rfc:8935' | 'urn:ietf:rfc:8936';

/**
 * An event stream of the Shared Signals transmitter (SSF 1.0 §8.1.1): which receiver (an OAuth
 * client) owns it, what it asked for and how its events are delivered. `aud` is the owner's
 * client id and `events_delivered` follows from `events_requested`, so neither is stored.
 */
@Entity('ssf_stream')
@Index('IDX_ssf_stream_client', ['clientId', 'createdAt'])
export class SsfStreamEntity {
  /** `stream_id`: 32 hex characters (RFC 3986 unreserved). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'delivery_method', type: 'varchar', length: 32 })
  deliveryMethod: SsfDeliveryMethod;

  /** Push only: the receiver's endpoint. A poll stream's endpoint is the transmitter's, derived from the id. */
  @Column({ name: 'endpoint_url', type: 'varchar', length: 2048, nullable: true })
  endpointUrl: string | null;

  /** Push only: the `Authorization` value sent with every push, sealed like private keys (KeySealer). */
  @Column({ name: 'authorization_header', type: 'text', nullable: true })
  authorizationHeader: string | null;

  /** `events_requested` as the receiver gave it (unknown URIs included); null when it gave none. */
  @Column(jsonColumn({ name: 'events_requested', nullable: true }))
  eventsRequested: string[] | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: SsfStreamStatus;

  /** The stream a client's `caep_receiver_uri` stands for: created, moved and deleted with that setting. */
  @Column({ name: 'caep_shortcut', type: 'boolean', default: false })
  caepShortcut: boolean;

  @Column({ name: 'status_reason', type: 'varchar', length: 255, nullable: true })
  statusReason: string | null;

  /** When a verification event was last requested, for `min_verification_interval`. */
  @Column({ name: 'last_verification_at', ...epochMsColumn({ nullable: true }) })
  lastVerificationAt: number | null;

  /** The receiver's last management call or poll naming the stream (`inactivity_timeout`). */
  @Column({ name: 'last_activity_at', ...epochMsColumn() })
  lastActivityAt: number;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'updated_at', ...epochMsColumn() })
  updatedAt: number;
}

/**
 * A subject the receiver removed from a stream (SSF 1.0 §8.1.3.3). Streams start with every
 * subject (`default_subjects: ALL`), so only removals are stored; adding one back deletes its row.
 * `subject_key` is the SHA-256 of the subject's canonical JSON.
 */
@Entity('ssf_removed_subject')
export class SsfRemovedSubjectEntity {
  @PrimaryColumn({ name: 'stream_id', type: 'varchar', length: 64 })
  streamId: string;

  @PrimaryColumn({ name: 'subject_key', type: 'varchar', length: 64 })
  subjectKey: string;

  @Column(jsonColumn())
  subject: Record<string, unknown>;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;
}
