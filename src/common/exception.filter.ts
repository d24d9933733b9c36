import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { CONFIG, LooptraceConfig } from '../config/config';
import { ErrorCode } from './errors';

/**
 * In GraphQL, errors go back to Apollo untouched: formatError gives each its
 * public code and logs the unexpected ones, once. A request body that is not
 * even JSON never reaches Apollo; it is answered in the GraphQL error shape
 * too, so that clients handle one kind of error. Other HTTP routes keep
 * Nest's own handling.
 */
/** The HTTP status of a Nest exception, or of an error from the body parser (which carries its own statusCode). */
function statusOf(exception: unknown): number | null {
  if (exception instanceof HttpException) return exception.getStatus();
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : null;
}

@Catch()
export class ErrorPassThroughFilter extends BaseExceptionFilter {
  private readonly bodyLimit: number;

  constructor(@Inject(CONFIG) config: LooptraceConfig) {
    super();
    this.bodyLimit = config.limits.graphqlBodyBytes;
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    const status = statusOf(exception);
    if (status === HttpStatus.BAD_REQUEST || status === HttpStatus.PAYLOAD_TOO_LARGE) {
      const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
      const message =
        status === HttpStatus.PAYLOAD_TOO_LARGE
          ? `The request body is larger than the limit of ${this.bodyLimit} bytes (GRAPHQL_BODY_LIMIT); it was not read. Send imports to POST /imports.`
          : `The request body is not a GraphQL request: ${(exception as Error).message}`;
      response.status(status).json({
        errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'body', message }] } }],
      });
      return undefined;
    }
    return super.catch(exception, host);
  }
}
