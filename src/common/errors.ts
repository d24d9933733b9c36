import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** The error codes of the public contract (extensions.code). */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** The operation would cost more than a request may: refused before it ran. */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** The caller's budget cannot pay for the operation now; retryAfter says when it can. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** A read ran past the request's time budget and was stopped. */
  TIMEOUT = 'TIMEOUT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export interface FieldProblem {
  /** The path of the offending input field, such as input.title. */
  field: string;
  /** Why it was rejected. */
  message: string;
}

export class BadUserInputError extends GraphQLError {
  /** With an HTTP status when the request is refused as a whole, before it ran. */
  constructor(
    readonly problems: FieldProblem[],
    httpStatus?: number,
  ) {
    super(`Invalid input: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, fields: problems, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
    });
  }

  static field(field: string, message: string, httpStatus?: number): BadUserInputError {
    return new BadUserInputError([{ field, message }], httpStatus);
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

/** A read that ran past its request's time budget; what it had read so far is dropped. */
export class RequestTimeoutError extends GraphQLError {
  constructor(timeoutMs: number | null) {
    super(
      `The request ran past its time budget${timeoutMs ? ` of ${timeoutMs} ms` : ''} and was stopped; ask for less at once (smaller pages, fewer nested lists) and page through the rest.`,
      { extensions: { code: ErrorCode.TIMEOUT, ...(timeoutMs ? { timeoutMs } : {}) } },
    );
  }
}

/**
 * An operation refused before it ran, because of what it would cost. The
 * details (the measures, the limit exceeded) go to the client in extensions.
 * Answered with HTTP 200, as a GraphQL error in a well-formed request.
 */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, details: Record<string, unknown>) {
    super(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...details, http: { status: 200 } } });
  }
}

/** An operation refused before it ran: the caller's budget cannot pay for it yet. Answered with HTTP 429 and Retry-After. */
export class RateLimitedError extends GraphQLError {
  constructor(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(message, {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        retryAfter: retryAfterSeconds,
        ...details,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      },
    });
  }
}
