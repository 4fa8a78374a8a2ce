import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UserinfoAddressDto {
  @ApiProperty({ example: '1 Main Street\nSpringfield' }) formatted: string;
}

/** OpenID Connect Core 1.0 §5.1's standard claims this server releases; each but sub only with its scope and when the user has its attribute. */
export class UserinfoResponseDto {
  @ApiProperty({ description: 'The user\'s subject id, as in the tokens' }) sub: string;
  @ApiPropertyOptional({ description: 'profile' }) name?: string;
  @ApiPropertyOptional({ description: 'profile' }) family_name?: string;
  @ApiPropertyOptional({ description: 'profile' }) given_name?: string;
  @ApiPropertyOptional({ description: 'profile' }) middle_name?: string;
  @ApiPropertyOptional({ description: 'profile' }) nickname?: string;
  @ApiPropertyOptional({ description: 'profile' }) preferred_username?: string;
  @ApiPropertyOptional({ description: 'profile' }) profile?: string;
  @ApiPropertyOptional({ description: 'profile' }) picture?: string;
  @ApiPropertyOptional({ description: 'profile' }) website?: string;
  @ApiPropertyOptional({ description: 'profile' }) gender?: string;
  @ApiPropertyOptional({ description: 'profile' }) birthdate?: string;
  @ApiPropertyOptional({ description: 'profile' }) zoneinfo?: string;
  @ApiPropertyOptional({ description: 'profile' }) locale?: string;
  @ApiPropertyOptional({ description: 'profile: when the user\'s record last changed, in seconds since the epoch' }) updated_at?: number;
  @ApiPropertyOptional({ description: 'email' }) email?: string;
  @ApiPropertyOptional({ description: 'email' }) email_verified?: boolean;
  @ApiPropertyOptional({ description: 'address', type: UserinfoAddressDto }) address?: UserinfoAddressDto;
  @ApiPropertyOptional({ description: 'phone' }) phone_number?: string;
  @ApiPropertyOptional({ description: 'phone' }) phone_number_verified?: boolean;
}
