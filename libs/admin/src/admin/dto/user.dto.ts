import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Check, Entries } from '../../validation/decorators';
import { CONTROL_CHARS, name, objectWithAtMost, optional, text } from '../../validation/rules';

/** Attribute names: a letter, then letters, digits and `_ . : -` (128 characters at most). */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
export const MAX_ATTRIBUTES = 64;
/** Subject ids: what the store's key column holds; UUIDs by default. */
export const SUBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

export const checkSubjectId = (v: unknown) => text(v, 64) ?? (SUBJECT_ID.test(v as string) ? null : 'must be letters, digits and . _ : @ - (64 at most), starting with a letter or digit');

/** An attribute value: at most 1024 characters, no control characters but TAB, LF and CR. */
const attributeValue = (value: unknown) => text(value, 1024, 0) ?? (CONTROL_CHARS.test((value as string).replace(/[\t\n\r]/g, '')) ? 'must not contain control characters' : null);

/** A user in the import file, and the body of POST /admin/users. */
export class UserInputDto {
  @ApiProperty({ maxLength: 255, example: 'breakfast', description: 'Login name, stored as the attribute `uid`' })
  @Check((v) => name(v, 255))
  uid: string;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Stored hashed; left out, the user cannot sign in with a password' })
  @Check(optional((v) => text(v, 1024)))
  password?: string;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string', maxLength: 1024 }, example: { mail: 'breakfast@example.com' },
    description: 'Attributes by name; any attribute can be used to look the user up',
  })
  @Check(optional((v) => objectWithAtMost(v, MAX_ATTRIBUTES)))
  @Entries((key, value, obj) => {
    if (!ATTRIBUTE_NAME.test(key)) return `is not a valid attribute name (${ATTRIBUTE_NAME.source})`;
    const p = attributeValue(value);
    if (p) return p;
    if (key === 'uid' && value !== obj.uid) return 'must equal uid (or be left out)';
    return null;
  })
  attributes?: Record<string, string>;

  @ApiPropertyOptional({ maxLength: 64, description: 'Stable subject id; left out, an existing user with this uid keeps theirs, a new one gets a random UUID' })
  @Check(optional(checkSubjectId))
  sub?: string;
}

/**
 * PATCH /admin/users/{id}: an RFC 7396 merge patch of the user. Members left out stay; in
 * `attributes`, null removes one (uid excepted: a user keeps a login name); a null password
 * removes it (no password sign-in).
 */
export class UserPatchDto {
  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string', maxLength: 1024, nullable: true }, example: { mail: 'new@example.com', phone_number: null },
    description: 'Attributes to set (a string) or remove (null); the others stay. uid may change (to a free one), not be removed.',
  })
  @Check(optional((v) => objectWithAtMost(v, MAX_ATTRIBUTES)))
  @Entries((key, value) => {
    if (!ATTRIBUTE_NAME.test(key)) return `is not a valid attribute name (${ATTRIBUTE_NAME.source})`;
    if (value === null) return key === 'uid' ? 'cannot be removed (a user keeps a uid)' : null;
    return key === 'uid' ? name(value, 255) : attributeValue(value);
  })
  attributes?: Record<string, string | null>;

  @ApiPropertyOptional({ type: String, maxLength: 1024, nullable: true, description: 'A new password, stored hashed; null removes it (the user can no longer sign in with one)' })
  @Check(optional((v) => text(v, 1024)))
  password?: string | null;

  @ApiPropertyOptional({ description: 'true: the user can no longer sign in, get tokens with a password or refresh them (what they hold lives on until it expires); false: enabled again' })
  @Check((v) => (v === undefined || typeof v === 'boolean' ? null : 'must be true or false'))
  disabled?: boolean;
}

export class UserViewDto {
  @ApiProperty({ description: 'Stable subject id' }) sub: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { uid: 'breakfast', mail: 'breakfast@example.com' } })
  attributes: Record<string, string>;
  @ApiProperty({ description: 'Whether the user can sign in with a password (the hash is never shown)' }) has_password: boolean;
  @ApiProperty({ description: 'A disabled user cannot sign in, get tokens with a password or refresh them' }) disabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}
