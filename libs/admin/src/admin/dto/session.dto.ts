import { ApiProperty } from '@nestjs/swagger';

export class SessionViewDto {
  @ApiProperty({ description: 'Session id (the OIDC sid)' }) id: string;
  @ApiProperty({ description: 'Session reference identifier (PingFederate pi.sri)' }) sri: string;
  @ApiProperty({ description: 'Subject id of the session\'s user' }) sub: string;
  @ApiProperty({ type: [String], description: 'Clients that used the session, in order of first use' }) client_ids: string[];
  @ApiProperty({ example: 'password' }) authn_source: string;
  @ApiProperty({ nullable: true, type: String }) client_ip: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) last_activity_at: string;
  @ApiProperty({ description: 'Seconds of inactivity after which the session ends' }) idle_timeout: number;
  @ApiProperty({ description: 'Seconds after creation after which the session ends' }) max_lifetime: number;
  @ApiProperty({ format: 'date-time', description: 'When the session ends if nothing else happens' }) expires_at: string;
  @ApiProperty({ description: 'Not revoked, not idle, not past its maximum lifetime' }) active: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_reason: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_by: string | null;
}

/** DELETE /admin/users/{id}/sessions. */
export class UserSessionsRevokedDto {
  @ApiProperty({ description: 'The user\'s subject id' }) sub: string;
  @ApiProperty({ description: 'How many live sessions this call ended' }) sessions_revoked: number;
}
