import { InvalidArgumentError } from 'commander';

/** An option value that must be an integer from `min` to `max`. */
export const integer = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
  return Number(value);
};

/** Values of a repeatable option taken whole: a URI may hold commas. */
export const repeat = (value: string, previous: string[] = []) => [...previous, value];
