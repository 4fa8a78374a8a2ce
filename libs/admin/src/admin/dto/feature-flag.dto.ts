import { ApiProperty } from '@nestjs/swagger';
import { Check } from '../../validation/decorators';

/** PUT /admin/feature-flags/{name}. */
export class SetFeatureFlagDto {
  @ApiProperty({ example: false })
  @Check((v) => (typeof v === 'boolean' ? null : 'must be true or false'))
  enabled: boolean;
}

export class FeatureFlagViewDto {
  @ApiProperty({ example: 'GLOBAL_TOKEN_REVOCATION' }) name: string;
  @ApiProperty({ description: 'The value in effect' }) enabled: boolean;
  @ApiProperty({ description: 'The value while the store holds none' }) default: boolean;
  @ApiProperty({ example: 'POST /jans-auth/restv1/global-token-revocation' }) description: string;
}
