import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { formatError } from './error-formatter';
import { BadUserInputError, ConflictError } from './errors';

describe('formatError', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('keeps the public codes and the offending fields', () => {
    const error = BadUserInputError.field('input.title', 'must be longer than or equal to 3 characters');
    // Thrown by a resolver, it reaches formatError inside the GraphQL error that located it, with no code of its own yet.
    const located = new GraphQLError(error.message, { path: ['submitFeedback'], originalError: error });
    expect(formatError({ message: error.message, path: ['submitFeedback'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, located)).toEqual({
      path: ['submitFeedback'],
      message: error.message,
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.title', message: 'must be longer than or equal to 3 characters' }] },
    });
    const conflict = new ConflictError('stale');
    expect(formatError({ message: 'stale', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, conflict).extensions).toEqual({ code: 'CONFLICT' });
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

  it("gives a refusal the GraphQL server made without a code the code of its HTTP status, and keeps other errors internal", () => {
    const version = new GraphQLError('Unsupported persisted query version', { extensions: { http: { status: 400 } } });
    expect(formatError({ message: version.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, version)).toEqual({
      message: version.message,
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'query', message: version.message }] },
    });
    const crash = new GraphQLError('relation "loop" does not exist', { extensions: { http: { status: 500 } } });
    expect(formatError({ message: crash.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, crash).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    const coded = new GraphQLError('secret', { extensions: { code: 'SOMETHING_ELSE', http: { status: 400 } } });
    expect(formatError({ message: coded.message, extensions: { code: 'SOMETHING_ELSE' } }, coded).message).toBe('Internal server error.');
  });

  it('reports graphql-js giving up after 50 variables that do not fit as bad input on the variables', () => {
    const message = 'Too many errors processing variables, error limit reached. Execution aborted.';
    expect(formatError({ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, new GraphQLError(message))).toEqual({
      message,
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'variables', message }] },
    });
    const thrown = new GraphQLError(message, { path: ['loops'], originalError: new Error(message) });
    expect(formatError({ message, path: ['loops'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, thrown).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
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
