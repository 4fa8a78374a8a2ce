import { ApiProperty } from '@nestjs/swagger';

/** Every error of the session APIs: `{"resultId","message"}`, as PingFederate answers. */
export class PingFederateErrorDto {
  @ApiProperty({ example: 'session_mgmt_sri_not_revoked' }) resultId: string;
  @ApiProperty({ example: 'The SRI has not been revoked.' }) message: string;
}
