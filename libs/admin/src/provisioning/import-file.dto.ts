import { ApiPropertyOptional } from '@nestjs/swagger';
import { FEATURE_FLAGS, isFeatureFlagName } from '@app/feature-flag';
import { ImportClientDto } from '../admin/dto/client.dto';
import { UserInputDto } from '../admin/dto/user.dto';
import { Check, Entries, isPlainObject, Items, Nested } from '../validation/decorators';
import { arrayOf, objectWithAtMost, optional } from '../validation/rules';

export { ImportClientDto } from '../admin/dto/client.dto';

export const MAX_IMPORT_CLIENTS = 1000;
export const MAX_IMPORT_USERS = 10000;

/** A user in the import file: matched by `sub` when given, else by the attribute `uid`. */
export class ImportUserDto extends UserInputDto {}

/** Items check: the item's `key` member repeats an earlier item's. */
const uniqueBy = (key: string) => (item: unknown, index: number, all: unknown[]): [string, string] | null => {
  if (!isPlainObject(item) || typeof item[key] !== 'string') return null;
  const first = all.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
  return first !== index ? [`.${key}`, `duplicates [${first}].${key}`] : null;
};

/**
 * The declarative import file (IMPORT_FILE, `revocation-admin import`): clients, users and
 * feature flags, upserted idempotently. Unknown members are refused at every level.
 */
export class ImportFileDto {
  @ApiPropertyOptional({ type: [ImportClientDto], maxItems: MAX_IMPORT_CLIENTS })
  @Check(optional((v) => arrayOf(v, MAX_IMPORT_CLIENTS)))
  @Nested(() => ImportClientDto, { each: true })
  @Items(uniqueBy('client_id'))
  clients?: ImportClientDto[];

  @ApiPropertyOptional({ type: [ImportUserDto], maxItems: MAX_IMPORT_USERS })
  @Check(optional((v) => arrayOf(v, MAX_IMPORT_USERS)))
  @Nested(() => ImportUserDto, { each: true })
  @Items((item, i, all) => uniqueBy('uid')(item, i, all) ?? uniqueBy('sub')(item, i, all))
  users?: ImportUserDto[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'boolean' }, example: { GLOBAL_TOKEN_REVOCATION: true } })
  @Check(optional((v) => objectWithAtMost(v, 100)))
  @Entries((name, value) => {
    if (!isFeatureFlagName(name)) return `is not a known feature flag (known: ${Object.keys(FEATURE_FLAGS).join(', ')})`;
    return typeof value === 'boolean' ? null : 'must be true or false';
  })
  feature_flags?: Record<string, boolean>;
}
