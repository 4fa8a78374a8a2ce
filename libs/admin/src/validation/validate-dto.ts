import { validateSync, ValidationError } from 'class-validator';
import { invalidRequest } from '@app/common';
import { isPlainObject, ITEM_MESSAGE_PREFIX, memberPath, nestedMembers, toDtoInstance } from './decorators';

/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 50;

/** A document that failed validation; every problem starts with its JSON path. */
export class DtoValidationError extends Error {
  constructor(readonly problems: string[], what = 'The document') {
    super(`${what} is invalid: ${problems.join('; ')}`);
  }
}

/**
 * Validates parsed JSON against a DTO class: unknown members are refused, and each problem
 * is reported with its JSON path (`clients[0].grant_types[1]: must be one of …`).
 */
export function validateDto<T extends object>(cls: new () => T, plain: unknown, what = 'The document'): T {
  if (!isPlainObject(plain)) throw new DtoValidationError(['(root): must be a JSON object'], what);
  const problems: string[] = [];
  const instance = toDtoInstance(cls, plain, '', problems) as T;
  validateTree(instance, cls, '', problems);
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    const shown = unique.slice(0, MAX_PROBLEMS);
    if (unique.length > MAX_PROBLEMS) shown.push(`… and ${unique.length - MAX_PROBLEMS} more problems`);
    throw new DtoValidationError(shown, what);
  }
  return instance;
}

/** The same, for request bodies: a 400 invalid_request naming every problem. */
export function validateBody<T extends object>(cls: new () => T, body: unknown): T {
  if (body === undefined || body === null) throw invalidRequest('A JSON request body is required.');
  try {
    return validateDto(cls, body, 'The request body');
  } catch (err) {
    if (err instanceof DtoValidationError) throw invalidRequest(err.problems.join('; '));
    throw err;
  }
}

/** Validates one object, then each nested DTO that really is one (the others already failed a type check). */
function validateTree(instance: object, cls: Function, path: string, out: string[]): void {
  for (const error of validateSync(instance, { validationError: { target: false, value: false } })) out.push(...describe(error, path));
  for (const [key, member] of nestedMembers(cls)) {
    const value = (instance as Record<string, unknown>)[key];
    const type = member.type();
    const keyPath = path ? `${path}${memberPath(key)}` : key;
    if (member.each && Array.isArray(value)) {
      value.forEach((item, i) => item instanceof type && validateTree(item, type, `${keyPath}[${i}]`, out));
    } else if (!member.each && value instanceof type) {
      validateTree(value, type, keyPath, out);
    }
  }
}

function describe(error: ValidationError, parent: string): string[] {
  const path = parent ? `${parent}${memberPath(error.property)}` : error.property;
  const out: string[] = [];
  for (const message of Object.values(error.constraints ?? {})) {
    if (message.startsWith(ITEM_MESSAGE_PREFIX)) {
      for (const line of message.split('\n')) out.push(`${path}${line.slice(ITEM_MESSAGE_PREFIX.length)}`);
    } else out.push(`${path}: ${stripSubject(message, error.property)}`);
  }
  return out;
}

/** class-validator's default messages start with the property name ("scopes must be an array"). */
function stripSubject(message: string, property: string): string {
  for (const prefix of [`${property} `, `each value in ${property} `]) {
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  }
  return message;
}
