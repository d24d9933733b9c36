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

/** What a refusal that ends a whole HTTP request tells the transport: the status, and headers such as Retry-After. */
export interface HttpRefusal {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A refusal by the service's rules, with one of the contract's codes and
 * whatever else the client needs to act on it (the fields at fault, the
 * limit, when to retry). Every part throws these, never GraphQL errors; the
 * GraphQL layer turns them into its errors in one place (error-formatter.ts),
 * and the other doors (the upload endpoint, the command line) read them as
 * they are.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Set when the refusal ends the HTTP request as a whole, before any of it ran. */
    readonly http?: HttpRefusal,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends DomainError {
  /** With an HTTP status when the request is refused as a whole, before it ran. */
  constructor(
    readonly problems: FieldProblem[],
    httpStatus?: number,
  ) {
    super(
      ErrorCode.BAD_USER_INPUT,
      `Invalid input: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`,
      { fields: problems },
      httpStatus ? { status: httpStatus } : undefined,
    );
  }

  static field(field: string, message: string, httpStatus?: number): BadUserInputError {
    return new BadUserInputError([{ field, message }], httpStatus);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Send a valid API token as "Authorization: Bearer <token>".') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, key: string, field?: string) {
    super(ErrorCode.NOT_FOUND, `No ${what} ${JSON.stringify(key)}.`, field ? { field } : {});
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** Throws CONFLICT when an edit was based on an older version of the record than the stored one. */
export function assertExpectedVersion(what: string, stored: number, expected: number | null | undefined): void {
  if (expected !== undefined && expected !== null && expected !== stored) {
    throw new ConflictError(`${what} changed since you read it: you expected version ${expected}, it is at version ${stored}.`);
  }
}

/** A read that ran past its request's time budget; what it had read so far is dropped. */
export class RequestTimeoutError extends DomainError {
  constructor(timeoutMs: number | null) {
    super(
      ErrorCode.TIMEOUT,
      `The request ran past its time budget${timeoutMs ? ` of ${timeoutMs} ms` : ''} and was stopped; ask for less at once (smaller pages, fewer nested lists) and page through the rest.`,
      timeoutMs ? { timeoutMs } : {},
    );
  }
}

/**
 * An operation refused before it ran, because of what it would cost. The
 * details (the measures, the limit exceeded) go to the client in extensions.
 * Answered with HTTP 200, as a GraphQL error in a well-formed request.
 */
export class QueryTooComplexError extends DomainError {
  constructor(message: string, details: Record<string, unknown>) {
    super(ErrorCode.QUERY_TOO_COMPLEX, message, details, { status: 200 });
  }
}

/** An operation refused before it ran: the caller's budget cannot pay for it yet. Answered with HTTP 429 and Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(ErrorCode.RATE_LIMITED, message, { retryAfter: retryAfterSeconds, ...details }, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}
