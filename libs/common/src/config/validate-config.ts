import { plainToInstance, ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigValidationError extends Error {}

/** Validates a flat environment against a class-validator schema; the message names every bad variable. */
export function validateConfig<T extends object>(env: Record<string, unknown>, schema: ClassConstructor<T>): T {
  const relevant: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) if (value !== '' && value !== undefined) relevant[key] = value;
  const instance = plainToInstance(schema, relevant, { enableImplicitConversion: false });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigValidationError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return instance;
}
