import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlContextType } from '@nestjs/graphql';

/**
 * In GraphQL, errors go back to Apollo untouched: formatError gives each its
 * public code and logs the unexpected ones, once. Plain HTTP routes keep
 * Nest's own handling.
 */
@Catch()
export class ErrorPassThroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    return super.catch(exception, host);
  }
}
