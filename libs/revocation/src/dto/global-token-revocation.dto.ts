import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class JanssenSubIdDto {
  @ApiProperty({ description: 'Janssen: the name of a user attribute (e.g. uid, mail)', example: 'uid' }) format: string;
  @ApiProperty({ description: 'The attribute value', example: 'breakfast' }) id: string;
}

export class EmailSubIdDto {
  @ApiProperty({ enum: ['email'] }) format: 'email';
  @ApiProperty({ description: 'Matched against the email and mail attributes', example: 'breakfast@example.com' }) email: string;
}

export class PhoneNumberSubIdDto {
  @ApiProperty({ enum: ['phone_number'] }) format: 'phone_number';
  @ApiProperty({ description: 'Matched against the phone_number, mobile and telephoneNumber attributes', example: '+12065550100' }) phone_number: string;
}

export class OpaqueSubIdDto {
  @ApiProperty({ enum: ['opaque'] }) format: 'opaque';
  @ApiProperty({ description: 'The user\'s subject id (the sub of this server\'s tokens)' }) id: string;
}

export class IssSubSubIdDto {
  @ApiProperty({ enum: ['iss_sub'] }) format: 'iss_sub';
  @ApiProperty({ description: 'This server\'s issuer, or another issuer that ISS_SUB_ATTRIBUTES maps to the user attribute holding its subject', example: 'https://example.okta.com' }) iss: string;
  @ApiProperty({ example: '00u1a2b3c4d5e6f7g8h9' }) sub: string;
}

export class AccountSubIdDto {
  @ApiProperty({ enum: ['account'] }) format: 'account';
  @ApiProperty({ description: 'acct: URI; with this server\'s host the user part is the uid, otherwise user@host is an e-mail', example: 'acct:breakfast@example.com' }) uri: string;
}

export const SUB_ID_DTOS = [JanssenSubIdDto, EmailSubIdDto, PhoneNumberSubIdDto, OpaqueSubIdDto, IssSubSubIdDto, AccountSubIdDto];

export class GlobalTokenRevocationRequestDto {
  @ApiProperty({
    description: 'The user whose tokens and sessions are revoked: Janssen\'s {format: <attribute>, id} or an RFC 9493 subject identifier. ' +
      'Okta and Auth0 send it as `subject` (the draft\'s name before -03), which is accepted in its place; never both.',
    oneOf: SUB_ID_DTOS.map((d) => ({ $ref: getSchemaPath(d) })),
    example: { format: 'uid', id: 'breakfast' },
  })
  sub_id: object;
}

export class GlobalRevocationErrorDto {
  @ApiProperty({ example: 'invalid_request' }) error: string;
  @ApiProperty({ example: 'The sub_id member is required.' }) error_description: string;
  @ApiPropertyOptional({ example: 'GLOBAL_TOKEN_REVOCATION', description: 'Present when the feature flag is off' }) feature_flag?: string;
}
