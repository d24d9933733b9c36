import { GraphQLError } from 'graphql';

/** The error codes of the public contract (extensions.code). */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export interface FieldProblem {
  /** The path of the offending input field, such as input.title. */
  field: string;
  /** Why it was rejected. */
  message: string;
}

export class BadUserInputError extends GraphQLError {
  constructor(readonly problems: FieldProblem[]) {
    super(`Invalid input: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, fields: problems },
    });
  }

  static field(field: string, message: string): BadUserInputError {
    return new BadUserInputError([{ field, message }]);
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'Send a valid API token as "Authorization: Bearer <token>".') {
    super(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(what: string, key: string, field?: string) {
    super(`No ${what} ${JSON.stringify(key)}.`, {
      extensions: { code: ErrorCode.NOT_FOUND, ...(field ? { field } : {}) },
    });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.CONFLICT } });
  }
}

/** Throws CONFLICT when an edit was based on an older version of the record than the stored one. */
export function assertExpectedVersion(what: string, stored: number, expected: number | null | undefined): void {
  if (expected !== undefined && expected !== null && expected !== stored) {
    throw new ConflictError(`${what} changed since you read it: you expected version ${expected}, it is at version ${stored}.`);
  }
}
