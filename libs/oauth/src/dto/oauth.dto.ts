import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OAuthErrorDto {
  @ApiProperty({ example: 'invalid_request' }) error: string;
  @ApiProperty({ example: 'The parameter grant_type is required.' }) error_description: string;
}

export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials', 'password', 'refresh_token', 'authorization_code'] }) grant_type: string;
  @ApiPropertyOptional({ example: 'openid profile' }) scope?: string;
  @ApiPropertyOptional({ description: 'password grant: the user\'s uid' }) username?: string;
  @ApiPropertyOptional({ description: 'password grant' }) password?: string;
  @ApiPropertyOptional({ description: 'refresh_token grant' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant: the code from /authorize' }) code?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant: the redirect_uri of the authorization request' }) redirect_uri?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant: the PKCE code verifier (RFC 7636)' }) code_verifier?: string;
  @ApiPropertyOptional({
    type: [String], example: ['https://api.example.com'],
    description: 'RFC 8707 resource indicator, repeatable: an absolute URI without fragment, registered for the client (`resources`); the access token\'s aud becomes it (a string for one, an array for several). With a code or refresh token, within the resources granted. Left out: the grant\'s resources, else the default audience (the issuer). Otherwise 400 invalid_target.',
  })
  resource?: string[];
  @ApiPropertyOptional({ description: 'client_secret_post, private_key_jwt (optional, must match the assertion), or a public client (token_endpoint_auth_method none) naming itself' }) client_id?: string;
  @ApiPropertyOptional({ description: 'client_secret_post only' }) client_secret?: string;
  @ApiPropertyOptional({ description: 'private_key_jwt only', enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'] }) client_assertion_type?: string;
  @ApiPropertyOptional({ description: 'private_key_jwt only: a JWT signed with a key of the client\'s jwks or jwks_uri (RFC 7523)' }) client_assertion?: string;
}

export class TokenResponseDto {
  @ApiProperty() access_token: string;
  @ApiProperty({ example: 'Bearer' }) token_type: string;
  @ApiProperty({ example: 3600 }) expires_in: number;
  @ApiProperty({ example: 'openid profile' }) scope: string;
  @ApiPropertyOptional() refresh_token?: string;
  @ApiPropertyOptional() id_token?: string;
}

export class TokenParamDto {
  @ApiProperty({ description: 'The token to introspect or revoke' }) token: string;
  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token'] }) token_type_hint?: string;
  @ApiPropertyOptional({ description: 'client_secret_post; optional with private_key_jwt' }) client_id?: string;
  @ApiPropertyOptional({ description: 'client_secret_post only' }) client_secret?: string;
  @ApiPropertyOptional({ description: 'private_key_jwt only', enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'] }) client_assertion_type?: string;
  @ApiPropertyOptional({ description: 'private_key_jwt only: a JWT signed with a key of the client\'s jwks or jwks_uri (RFC 7523)' }) client_assertion?: string;
}

export class IntrospectionResponseDto {
  @ApiProperty() active: boolean;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional() sub?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'The issuer, or the RFC 8707 resource(s) the token was asked for' }) aud?: string | string[];
  @ApiPropertyOptional() iss?: string;
  @ApiPropertyOptional() exp?: number;
  @ApiPropertyOptional() iat?: number;
  @ApiPropertyOptional() jti?: string;
  @ApiPropertyOptional({ example: 'Bearer' }) token_type?: string;
  @ApiPropertyOptional() sid?: string;
  @ApiPropertyOptional({ name: 'pi.sri' }) 'pi.sri'?: string;
}
