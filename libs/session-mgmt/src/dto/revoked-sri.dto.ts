import { ApiProperty } from '@nestjs/swagger';

/** A session on the revocation list: the `pi.sri` of its ID and access tokens. */
export class RevokedSriDto {
  @ApiProperty({ example: 'abc123', maxLength: 255, description: 'The session reference identifier (the pi.sri claim)' }) id: string;
}
