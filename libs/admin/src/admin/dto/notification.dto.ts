import { ApiProperty } from '@nestjs/swagger';

export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** A notification in the outbox: session-ended, or a Shared Signals stream's SET. */
export class NotificationViewDto {
  @ApiProperty({ description: 'Outbox id; also the jti of the token sent' }) id: string;
  @ApiProperty({ enum: ['backchannel_logout', 'caep_session_revoked', 'ssf_push', 'ssf_poll'] }) kind: string;
  @ApiProperty() client_id: string;
  @ApiProperty({ description: 'Where it is sent: the client\'s backchannel_logout_uri or caep_receiver_uri' }) target_url: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status: string;
  @ApiProperty({ description: 'Attempts started so far' }) attempts: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the next attempt is due (pending only)' }) next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed' }) last_error: string | null;
  @ApiProperty({ required: false, nullable: true, type: String, description: 'The Shared Signals stream of an ssf_push or ssf_poll SET' }) stream_id?: string | null;
  @ApiProperty({ required: false, description: 'The ended session (sid); absent for a stream\'s verification or stream-updated SET' }) session_id?: string;
  @ApiProperty({ required: false, description: 'The session\'s user (sub)' }) sub?: string;
  @ApiProperty({ required: false, enum: ['admin', 'user', 'policy', 'system'] }) initiating_entity?: string;
  @ApiProperty({ required: false, description: 'Why the session ended' }) reason?: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) delivered_at: string | null;
}
