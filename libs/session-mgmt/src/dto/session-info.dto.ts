import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SessionContextDataDto {
  @ApiPropertyOptional({ example: '203.0.113.7', nullable: true, type: String }) ipAddress: string | null;
  @ApiPropertyOptional({ example: 'Mozilla/5.0 (X11; Linux x86_64)', nullable: true, type: String }) userAgent: string | null;
}

/** One valid authentication session, as `GET /pf-ws/rest/sessionMgmt/sessions/{sri}` describes it. */
export class SessionInfoDto {
  @ApiProperty({ example: 'qzTEiEroxdzAufjYKQawm72lcBE..4RbA' }) sri: string;
  @ApiProperty({ example: 'password', description: 'The authentication source that created the session' }) authnSource: string;
  @ApiProperty({ example: '2026-01-05T09:00:00.000Z' }) creationTime: string;
  @ApiProperty({ example: '2026-01-05T09:12:30.000Z' }) lastActivityTime: string;
  @ApiProperty({ example: 30, description: 'Idle timeout in minutes (the source\'s override, else the global one)' }) idleTimeoutMins: number;
  @ApiProperty({ example: 480, description: 'Maximum lifetime in minutes' }) maxTimeoutMins: number;
  @ApiProperty({ example: '2026-01-05T09:42:30.000Z', description: 'When the session ends unless used again' }) idleExpiryTime: string;
  @ApiProperty({ example: '2026-01-05T17:00:00.000Z', description: 'When the session ends however active it is' }) maxExpiryTime: string;
  @ApiProperty({ type: SessionContextDataDto }) contextData: SessionContextDataDto;
}
