import { HeaderMap } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode, FieldProblem, RequestTimeoutError } from './errors';
import { RequestScopes } from './request-scope';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));

/** Apollo's own codes for requests that are malformed or do not fit the schema: all the client's input. */
const CLIENT_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
};

const logger = new Logger('GraphQL');

/** What the limit errors tell a client besides their code: the measures, the limit, when to retry. */
const LIMIT_DETAILS = ['exceeded', 'limit', 'depth', 'nodes', 'cost', 'retryAfter', 'timeoutMs'];

/** What a client that asks for the schema hears when the server does not answer introspection. */
export const INTROSPECTION_OFF =
  'Introspection is turned off on this server (GRAPHQL_INTROSPECTION=false), so the schema cannot be asked for here; it is published as schema.gql. Queries and mutations still run.';

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const STATEMENT_TIMEOUT = '57014';

/** A read PostgreSQL stopped at the statement timeout: the request's time budget, as on SQLite. */
function isStatementTimeout(error: unknown): boolean {
  const original = (error as { originalError?: { driverError?: { code?: string } } } | undefined)?.originalError;
  return original?.driverError?.code === STATEMENT_TIMEOUT;
}

/** Where graphql-js names the offending input in its messages: the variable, the path inside it, or the field. */
function fieldsOf(message: string): FieldProblem[] {
  const path = / at "([^"]+)"/.exec(message)?.[1];
  const variable = /Variable "\$([^"]+)"/.exec(message)?.[1];
  const field = /Field "([^"]+)" of required type/.exec(message)?.[1] ?? /Argument "([^"]+)"/.exec(message)?.[1];
  const named = path ?? [variable, field].filter(Boolean).join('.');
  return [{ field: named || 'query', message }];
}

/**
 * graphql-js's refusal, with no code, of a request with more than 50
 * variables that do not fit their types: it stops there with this message.
 */
const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

function isTooManyVariableErrors(formatted: GraphQLFormattedError, error: unknown): boolean {
  return error instanceof GraphQLError && !error.originalError && !formatted.path && TOO_MANY_VARIABLE_ERRORS.test(formatted.message);
}

/**
 * A refusal the GraphQL server raised without a code of its own but with an
 * HTTP status for the client (a persisted query of an unknown version, or
 * whose hash does not match): its code follows from the status.
 */
function refusalByStatus(error: unknown): ErrorCode | null {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return null;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return (status && HTTP_STATUS_CODES[status]) || null;
}

function publicCode(extensions: Record<string, unknown> | undefined): ErrorCode | null {
  const code = extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) return code as ErrorCode;
  if (typeof code === 'string' && CLIENT_REQUEST_CODES.has(code)) return ErrorCode.BAD_USER_INPUT;
  const status = (extensions?.originalError as { statusCode?: number } | undefined)?.statusCode;
  return (status && HTTP_STATUS_CODES[status]) || null;
}

/** What a client is told of a domain error besides its message: its code and its details. */
export function extensionsOf(error: DomainError): Record<string, unknown> {
  return { code: error.code, ...error.details };
}

/** A domain error as an HTTP answer of its own, in the GraphQL error shape (for doors in front of the GraphQL server). */
export function refusalBody(error: DomainError): { errors: Array<{ message: string; extensions: Record<string, unknown> }> } {
  return { errors: [{ message: error.message, extensions: extensionsOf(error) }] };
}

/**
 * A domain error as the GraphQL server carries it, for the places that hand
 * it one before any resolver runs (plugins, a socket's onSubscribe); over
 * HTTP with the status and headers of a refusal that ends the request.
 * Errors thrown by resolvers need no such care: formatError maps them.
 */
export function toGraphQLError(error: DomainError, transport: 'http' | 'socket' = 'http'): GraphQLError {
  const refusal = transport === 'http' ? error.http : undefined;
  const http = refusal && { status: refusal.status, headers: new HeaderMap(Object.entries(refusal.headers ?? {})) };
  return new GraphQLError(error.message, { extensions: { ...extensionsOf(error), ...(http ? { http } : {}) } });
}

/** The domain error behind an error the GraphQL server reports, if one is. */
function domainErrorOf(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  const original = (error as { originalError?: unknown } | null)?.originalError;
  return original instanceof DomainError ? original : null;
}

/**
 * The last gate before an error reaches a client: every error leaves with one of
 * the contract's codes, and nothing internal (stack, SQL, driver message) leaves
 * at all. Unexpected errors are logged here in full and answered with a
 * generic message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const extensions = formatted.extensions as Record<string, unknown> | undefined;
  if (isStatementTimeout(error)) {
    const timeout = new RequestTimeoutError(RequestScopes.current()?.timeoutMs ?? null);
    return { message: timeout.message, path: formatted.path, extensions: extensionsOf(timeout) };
  }
  const domain = domainErrorOf(error);
  if (domain) return { message: domain.message, locations: formatted.locations, path: formatted.path, extensions: extensionsOf(domain) };
  if (extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
    return { message: INTROSPECTION_OFF, locations: formatted.locations, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'query', message: INTROSPECTION_OFF }] } };
  }
  if (isTooManyVariableErrors(formatted, error)) {
    return { message: formatted.message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'variables', message: formatted.message }] } };
  }
  const code = refusalByStatus(error) ?? publicCode(extensions);
  if (code === null || code === ErrorCode.INTERNAL_SERVER_ERROR) {
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    logger.error(formatted.message, original instanceof Error ? original.stack : String(original));
    return { message: 'Internal server error.', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  const { field } = extensions ?? {};
  const fields = code === ErrorCode.BAD_USER_INPUT ? (extensions?.fields ?? fieldsOf(formatted.message)) : undefined;
  const details = Object.fromEntries(LIMIT_DETAILS.filter((key) => extensions?.[key] !== undefined).map((key) => [key, extensions![key]]));
  return {
    message: formatted.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code, ...(fields ? { fields } : {}), ...(field ? { field } : {}), ...details },
  };
}
