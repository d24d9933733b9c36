import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { BadUserInputError, FieldProblem } from './errors';
import { isStorableText, isStorableTime, UNSTORABLE_TEXT_MESSAGE, UNSTORABLE_TIME_MESSAGE } from './storable';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object]);

/** Each field, at any depth, that holds text or a time the engines would not store alike; a list is named once, as class-validator names it. */
function unstorableFields(value: unknown, path: string): FieldProblem[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [{ field: path, message: UNSTORABLE_TEXT_MESSAGE }];
  if (value instanceof Date) return isStorableTime(value) ? [] : [{ field: path, message: UNSTORABLE_TIME_MESSAGE }];
  if (Array.isArray(value)) {
    const problems = value.flatMap((item) => unstorableFields(item, path));
    return problems.filter((problem, index) => problems.findIndex((other) => other.message === problem.message) === index);
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => unstorableFields(item, path ? `${path}.${key}` : key));
}

/** Refuses unstorable text or times anywhere in a value, before any other rule looks at it. */
function refuseUnstorable(value: unknown, path: string): void {
  const problems = unstorableFields(value, path);
  if (problems.length > 0) throw new BadUserInputError(problems);
}

function problemsOf(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message }));
    return [...own, ...problemsOf(error.children ?? [], path)];
  });
}

/** Holds a value to the rules of an input type, as the API would; BAD_USER_INPUT naming each offending field otherwise. */
export async function validateInput<T extends object>(type: new () => T, value: object, prefix = ''): Promise<T> {
  refuseUnstorable(value, prefix);
  const instance = plainToInstance(type, value);
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new BadUserInputError(problemsOf(errors, prefix));
  return instance;
}

/**
 * Validates every argument: no argument, nor any value inside one, may be
 * text or a time that the engines would not store alike (storable.ts); then
 * an argument whose type carries class-validator rules is held to them.
 * Either way a refusal is BAD_USER_INPUT naming each offending field by its
 * path in the request (input.title, first). Values a resolver takes from
 * elsewhere (the parent, the actor) are not arguments and pass untouched.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    const type = metadata.metatype;
    const path = metadata.data ?? '';
    if (!type || PRIMITIVES.has(type) || value === null || value === undefined || typeof value !== 'object') {
      refuseUnstorable(value, path);
      return value;
    }
    return validateInput(type as new () => object, value, path);
  }
}
