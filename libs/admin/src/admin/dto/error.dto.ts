import { ApiProperty } from '@nestjs/swagger';

/** Every admin API error: `{"error","error_description"}`. */
export class AdminErrorDto {
  @ApiProperty({ example: 'invalid_request' }) error: string;
  @ApiProperty({ example: 'grant_types[1]: must be one of client_credentials, password, refresh_token, authorization_code' }) error_description: string;
}
