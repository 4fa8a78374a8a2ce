import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What the sign-in form posts: the authorization request's parameters, the CSRF token and the credentials. */
export class SignInFormDto {
  @ApiProperty() username: string;
  @ApiProperty({ format: 'password' }) password: string;
  @ApiProperty({ description: 'The CSRF token of the form (also in a cookie)' }) csrf: string;
  @ApiProperty({ enum: ['code'] }) response_type: string;
  @ApiProperty() client_id: string;
  @ApiProperty() redirect_uri: string;
  @ApiProperty() scope: string;
  @ApiPropertyOptional() state?: string;
  @ApiPropertyOptional() nonce?: string;
  @ApiPropertyOptional() code_challenge?: string;
  @ApiPropertyOptional({ enum: ['S256'] }) code_challenge_method?: string;
  @ApiPropertyOptional({ type: [String], description: 'RFC 8707 resource indicators, as in the authorization request' }) resource?: string[];
}
