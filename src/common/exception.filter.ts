import { ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';
import { ErrorCode } from './errors';

/**
 * In GraphQL, errors go back to Apollo untouched: formatError gives each its
 * public code and logs the unexpected ones, once. A request body that is not
 * even JSON never reaches Apollo; it is answered in the GraphQL error shape
 * too, so that clients handle one kind of error. Other HTTP routes keep
 * Nest's own handling.
 */
@Catch()
export class ErrorPassThroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    if (exception instanceof HttpException && exception.getStatus() === HttpStatus.BAD_REQUEST) {
      const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
      const message = `The request body is not a GraphQL request: ${exception.message}`;
      response.status(HttpStatus.BAD_REQUEST).json({
        errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'body', message }] } }],
      });
      return undefined;
    }
    return super.catch(exception, host);
  }
}
