import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { refusalBody } from '../error-formatter';
import { BadUserInputError, DomainError, QueryTooComplexError } from '../errors';

/**
 * The most tokens the text of one operation may have. The largest operations
 * the limits still measure (a few hundred traces at once) stay well below it;
 * past it, parsing and validating alone would take a worker's time.
 */
export const MAX_OPERATION_TOKENS = 25_000;

/**
 * How deep brackets may nest in the text of an operation: far beyond
 * QUERY_MAX_DEPTH's ceiling of 100 and any input the schema takes, and far
 * below the depth at which the parser and the validation, which recurse,
 * would run out of stack.
 */
export const MAX_OPERATION_NESTING = 200;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * What makes the text of an operation unreadable, if anything: read token by
 * token, which does not recurse. Text that does not even lex is left to the
 * parser, which says where it goes wrong.
 */
function unreadable(query: string): 'tokens' | 'nesting' | null {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > MAX_OPERATION_TOKENS) return 'tokens';
      if (OPENING.has(token.kind)) nesting += 1;
      if (CLOSING.has(token.kind)) nesting -= 1;
      if (nesting > MAX_OPERATION_NESTING) return 'nesting';
    }
  } catch (error) {
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  return null;
}

/**
 * Refuses the text of an operation before it is parsed when it is too long
 * (QUERY_TOO_COMPLEX, exceeded: size, as for a document too large to measure)
 * or nests too deep (BAD_USER_INPUT on the field query, HTTP 400).
 */
export function refuseUnreadableText(query: string): void {
  if (readable.has(query)) return;
  const over = unreadable(query);
  if (over === 'tokens') {
    throw new QueryTooComplexError(
      `The operation was not read: its text has more than ${MAX_OPERATION_TOKENS} tokens. Ask for less at once, and use fragments for what repeats.`,
      { exceeded: 'size' },
    );
  }
  if (over === 'nesting') {
    throw BadUserInputError.field('query', `the operation was not read: its brackets nest more than ${MAX_OPERATION_NESTING} deep, which no operation of this API needs`, 400);
  }
  if (query.length > READABLE_LENGTH_KEPT) return;
  if (readable.size >= READABLE_KEPT) readable.clear();
  readable.add(query);
}

/**
 * Texts read and found readable lately: clients send the same few operations
 * over and over (with other variables), and each is read once. At most
 * READABLE_KEPT of them, each of READABLE_LENGTH_KEPT characters at most: a
 * few megabytes in all.
 */
const readable = new Set<string>();
const READABLE_KEPT = 500;
const READABLE_LENGTH_KEPT = 8_000;

/** The operation text of a GraphQL request over HTTP: in the JSON body of a POST, in the query string of a GET. */
function operationText(request: Request): unknown {
  if (request.method === 'GET') return request.query?.query;
  return (request.body as { query?: unknown } | undefined)?.query;
}

/**
 * Express middleware, after the body is read and before the GraphQL server
 * parses anything: an operation whose text is too long or nests too deep is
 * answered at once, in the GraphQL error shape.
 */
export function refuseUnreadableOperations(request: Request, response: Response, next: NextFunction): void {
  const query = operationText(request);
  if (typeof query !== 'string') return next();
  try {
    refuseUnreadableText(query);
  } catch (error) {
    if (!(error instanceof DomainError)) return next(error);
    response.status(error.http?.status ?? 400).json(refusalBody(error));
    return;
  }
  next();
}
