import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { formatError } from './error-formatter';
import { BadUserInputError, ConflictError } from './errors';

describe('formatError', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('keeps the public codes and the offending fields', () => {
    const error = BadUserInputError.field('input.title', 'must be longer than or equal to 3 characters');
    expect(formatError({ message: error.message, extensions: error.extensions }, error)).toEqual({
      message: error.message,
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.title', message: 'must be longer than or equal to 3 characters' }] },
    });
    const conflict = new ConflictError('stale');
    expect(formatError({ message: 'stale', extensions: conflict.extensions }, conflict).extensions).toEqual({ code: 'CONFLICT' });
  });

  it('never lets an unexpected error, its SQL or its stack reach the client', () => {
    const original = new Error('SQLITE_CONSTRAINT: INSERT INTO "actor" ("email") VALUES (?)');
    const wrapped = new GraphQLError(original.message, { originalError: original });
    const formatted = formatError(
      { message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: original.stack?.split('\n') } },
      wrapped,
    );
    expect(formatted).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(formatted)).not.toMatch(/INSERT|SQLITE|stack/i);
  });

  it('reports requests that do not fit the schema as bad input naming the field', () => {
    const message = 'Variable "$input" got invalid value "ROBOT" at "input.origin"; Value "ROBOT" does not exist in "FeedbackOrigin" enum.';
    expect(formatError({ message, extensions: { code: 'BAD_USER_INPUT' } }, new GraphQLError(message)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.origin', message }],
    });
    const missing = 'Field "title" of required type "String!" was not provided.';
    expect(formatError({ message: missing, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, new GraphQLError(missing)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'title', message: missing }],
    });
  });
});
