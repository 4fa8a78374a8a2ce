import { ApiProperty } from '@nestjs/swagger';

export const USER_SESSION_STATUSES = ['HAS_VALID_SESSIONS', 'NO_VALID_SESSIONS', 'SESSION_REVOKED'] as const;
export type UserSessionStatus = (typeof USER_SESSION_STATUSES)[number];

export class UserSessionStatusDto {
  @ApiProperty({
    enum: USER_SESSION_STATUSES,
    example: 'HAS_VALID_SESSIONS',
    description: 'HAS_VALID_SESSIONS: at least one valid session. SESSION_REVOKED: none valid, and one was revoked before the end of its maximum lifetime. NO_VALID_SESSIONS: otherwise, including an unknown user key.',
  })
  status: UserSessionStatus;
}
