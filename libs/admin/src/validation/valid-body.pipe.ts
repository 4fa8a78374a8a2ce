import { Injectable, PipeTransform } from '@nestjs/common';
import { invalidRequest } from '@app/common';
import { validateBody } from './validate-dto';

/**
 * `@Body(new ValidBody(Dto))`: a strict DTO check; problems become one 400 invalid_request
 * naming their paths. With `optional`, a missing body counts as `{}`.
 */
@Injectable()
export class ValidBody<T extends object> implements PipeTransform<unknown, T> {
  constructor(private readonly dto: new () => T, private readonly options: { optional?: boolean } = {}) {}

  transform(body: unknown): T {
    return validateBody(this.dto, body === undefined && this.options.optional ? {} : body);
  }
}

/** `@Query('limit', new IntQuery('limit', 1, 500, 100))`: an integer query parameter within bounds, or 400. */
@Injectable()
export class IntQuery implements PipeTransform<unknown, number> {
  constructor(private readonly name: string, private readonly min: number, private readonly max: number, private readonly fallback: number) {}

  transform(value: unknown): number {
    if (value === undefined || value === '') return this.fallback;
    const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(n >= this.min && n <= this.max)) throw invalidRequest(`${this.name}: must be an integer from ${this.min} to ${this.max}`);
    return n;
  }
}
