import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { BadUserInputError, FieldProblem } from './errors';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object]);

function problemsOf(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message }));
    return [...own, ...problemsOf(error.children ?? [], path)];
  });
}

/** Holds a value to the rules of an input type, as the API would; BAD_USER_INPUT naming each offending field otherwise. */
export async function validateInput<T extends object>(type: new () => T, value: object, prefix = ''): Promise<T> {
  const instance = plainToInstance(type, value);
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new BadUserInputError(problemsOf(errors, prefix));
  return instance;
}

/**
 * Validates every argument whose type carries class-validator rules and
 * rejects with BAD_USER_INPUT naming each offending field by its path in the
 * request (input.title, first).
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type === 'custom' || !type || PRIMITIVES.has(type) || value === null || value === undefined || typeof value !== 'object') return value;
    return validateInput(type as new () => object, value, metadata.data ?? '');
  }
}
