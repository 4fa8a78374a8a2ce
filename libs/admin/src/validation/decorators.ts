import { getMetadataStorage, registerDecorator, ValidationArguments } from 'class-validator';

/** What a check says about a value: nothing when it is fine, else the problem. */
export type Problem = string | null;

/** Marks item-level messages so the formatter can append `[i]`/`.key` to the JSON path. */
export const ITEM_MESSAGE_PREFIX = '\u0000';

const NESTED_TYPES = Symbol('admin:nested-types');

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A rule on one property that may look at its siblings (`obj`). Runs even when the value is
 * missing, so it also expresses "required when …" and "not allowed when …".
 */
export function Check(check: (value: unknown, obj: Record<string, unknown>) => Problem, name = 'check'): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => check(value, args.object as Record<string, unknown>) === null,
        defaultMessage: (args?: ValidationArguments) => check(args?.value, (args?.object ?? {}) as Record<string, unknown>) ?? 'is invalid',
      },
    });
}

/**
 * A rule for every item of an array, reported with the item's index
 * (`grant_types[1]: …`). A non-array value is left to `@IsArray`.
 */
export function Items(
  check: (item: unknown, index: number, all: unknown[]) => Problem | [subPath: string, problem: string],
  name = 'items',
): PropertyDecorator {
  const problems = (value: unknown): string[] => {
    if (!Array.isArray(value)) return [];
    const out: string[] = [];
    value.forEach((item, i) => {
      const p = check(item, i, value);
      if (p === null) return;
      const [sub, text] = Array.isArray(p) ? p : ['', p];
      out.push(`${ITEM_MESSAGE_PREFIX}[${i}]${sub}: ${text}`);
    });
    return out;
  };
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => problems(value).length === 0,
        defaultMessage: (args?: ValidationArguments) => problems(args?.value).join('\n'),
      },
    });
}

/** A rule for every member of an object used as a map (`attributes.mail: …`). A non-object is left to other rules. */
export function Entries(check: (key: string, value: unknown, obj: Record<string, unknown>) => Problem): PropertyDecorator {
  const problems = (value: unknown, obj: Record<string, unknown>): string[] => {
    if (!isPlainObject(value)) return [];
    const out: string[] = [];
    for (const key of Object.keys(value)) {
      const p = check(key, value[key], obj);
      if (p !== null) out.push(`${ITEM_MESSAGE_PREFIX}${memberPath(key)}: ${p}`);
    }
    return out;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'entries',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => problems(value, args.object as Record<string, unknown>).length === 0,
        defaultMessage: (args?: ValidationArguments) => problems(args?.value, (args?.object ?? {}) as Record<string, unknown>).join('\n'),
      },
    });
}

export interface NestedMember {
  type: () => Function;
  each: boolean;
}

/**
 * A nested DTO (or an array of them when `each`). `validateDto` builds and validates it
 * itself, and only from a real object, so a wrong container type gets one clear message.
 */
export function Nested(type: () => Function, options: { each?: boolean } = {}): PropertyDecorator {
  return (target, propertyName) => {
    const ctor = target.constructor as Function & { [NESTED_TYPES]?: Map<string, NestedMember> };
    if (!Object.prototype.hasOwnProperty.call(ctor, NESTED_TYPES)) {
      Object.defineProperty(ctor, NESTED_TYPES, { value: new Map(ctor[NESTED_TYPES] ?? []), enumerable: false });
    }
    const each = options.each ?? false;
    ctor[NESTED_TYPES]!.set(String(propertyName), { type, each });
    if (each) Items((item) => (isPlainObject(item) ? null : 'must be an object'), 'isObjectEach')(target, propertyName);
    else Check((v) => (v === undefined || v === null || isPlainObject(v) ? null : 'must be an object'), 'isObject')(target, propertyName);
  };
}

/** The nested DTO members a class declares (own and inherited). */
export function nestedMembers(cls: Function): Map<string, NestedMember> {
  return (cls as { [NESTED_TYPES]?: Map<string, NestedMember> })[NESTED_TYPES] ?? new Map();
}

const allowedKeysCache = new Map<Function, Set<string>>();

/** The members a DTO class declares (own and inherited), from class-validator's metadata. */
function allowedKeys(cls: Function): Set<string> {
  let keys = allowedKeysCache.get(cls);
  if (!keys) {
    keys = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
    allowedKeysCache.set(cls, keys);
  }
  return keys;
}

/**
 * Builds a DTO instance from parsed JSON without class-transformer (which throws on some
 * malformed input). Members the class does not declare are reported with their path and
 * dropped: class-validator's own whitelist misses names such as `__proto__` and
 * `constructor`. Nested DTOs are built only from real objects; anything else is left for
 * the validators to refuse.
 */
export function toDtoInstance<T>(cls: new () => T, plain: unknown, path: string, unknown: string[]): T | unknown {
  if (!isPlainObject(plain)) return plain;
  const allowed = allowedKeys(cls);
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    const keyPath = path ? `${path}${memberPath(key)}` : key;
    if (!allowed.has(key)) {
      unknown.push(`${keyPath}: unknown member`);
      continue;
    }
    let value = plain[key];
    const nested = nestedMembers(cls).get(key);
    if (nested) {
      const type = nested.type() as new () => unknown;
      if (!nested.each) value = toDtoInstance(type, value, keyPath, unknown);
      else if (Array.isArray(value)) value = value.map((item, i) => toDtoInstance(type, item, `${keyPath}[${i}]`, unknown));
    }
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return instance;
}

/** `.name` for plain identifiers, `["odd:name"]` otherwise. */
export function memberPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
