import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The entries of the discovery document: the base ones, then OAuthModule's (optional: a host may leave it out); feature modules add more (e.g. global_token_revocation_endpoint). */
export class DiscoveryMetadataDto {
  @ApiProperty({ example: 'http://localhost:8080' }) issuer: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/token' }) token_endpoint?: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/introspect' }) introspection_endpoint?: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/revoke' }) revocation_endpoint?: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/jwks' }) jwks_uri?: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/userinfo', description: 'OpenID Connect Core 1.0 §5.3' }) userinfo_endpoint?: string;
  @ApiPropertyOptional({ example: 'http://localhost:8080/docs' }) service_documentation?: string;
  @ApiPropertyOptional({ type: [String], example: ['client_credentials', 'password', 'refresh_token'] }) grant_types_supported?: string[];
  @ApiProperty({ type: [String], example: [] }) response_types_supported: string[];
  @ApiPropertyOptional({ type: [String], example: ['client_secret_basic', 'client_secret_post'] }) token_endpoint_auth_methods_supported?: string[];
  @ApiPropertyOptional({ type: [String], example: ['client_secret_basic', 'client_secret_post'] }) introspection_endpoint_auth_methods_supported?: string[];
  @ApiPropertyOptional({ type: [String], example: ['client_secret_basic', 'client_secret_post'] }) revocation_endpoint_auth_methods_supported?: string[];
  @ApiProperty({ type: [String], example: ['openid', 'profile', 'email', 'offline_access', 'admin', 'global_token_revocation'] }) scopes_supported: string[];
  @ApiProperty({ type: [String], example: ['public'] }) subject_types_supported: string[];
  @ApiPropertyOptional({ type: [String], example: ['RS256', 'ES256'] }) id_token_signing_alg_values_supported?: string[];
  @ApiProperty({ type: [String], example: ['sub', 'iss', 'aud', 'exp', 'iat', 'sid', 'pi.sri'] }) claims_supported: string[];
}
