import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { CONFIG, LimitsConfig, LooptraceConfig } from '../config/config';
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

/** An HTTP answer already in the GraphQL error shape (the upload endpoint's): sent as it is. */
function isGraphQLShaped(exception: unknown): boolean {
  if (!(exception instanceof HttpException)) return false;
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors);
}

@Catch()
export class ErrorPassThroughFilter extends BaseExceptionFilter {
  private readonly limits: LimitsConfig;

  constructor(@Inject(CONFIG) config: LooptraceConfig) {
    super();
    this.limits = config.limits;
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    if (isGraphQLShaped(exception)) return super.catch(exception, host);
    const status = statusOf(exception);
    if (status === HttpStatus.BAD_REQUEST || status === HttpStatus.PAYLOAD_TOO_LARGE) {
      const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
      const message =
        status === HttpStatus.PAYLOAD_TOO_LARGE
          ? `The request body is larger than the limit (${this.limits.graphqlBodyBytes} bytes for GraphQL, GRAPHQL_BODY_LIMIT; ${this.limits.importBodyBytes} bytes for an upload to /imports, IMPORT_BODY_LIMIT); it was not read. Send large imports to POST /imports.`
          : `The request body is not a GraphQL request: ${(exception as Error).message}`;
      response.status(status).json({
        errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'body', message }] } }],
      });
      return undefined;
    }
    return super.catch(exception, host);
  }
}
