import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CONFIG, LooptraceConfig } from '../config/config';
import { ErrorCode } from './errors';
import { RequestScopes } from './request-scope';

/** A request id a client may choose: short, and printable without escaping. */
const CLIENT_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Gives every request an id (the client's X-Request-Id when it sent a sensible one) and echoes it in the response. */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  const sent = request.headers['x-request-id'];
  const id = typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
  (request as Request & { id?: string }).id = id;
  response.setHeader('X-Request-Id', id);
  next();
}

/**
 * Refuses a request whose body is larger than the limit, or does not say how
 * large it is, before any of it is read; answered in the GraphQL error shape.
 */
export function refuseBodiesOver(limit: number, setting: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'POST') return next();
    const declared = request.headers['content-length'];
    const length = Number(declared);
    if (declared !== undefined && Number.isFinite(length) && length <= limit) return next();
    const [status, message] =
      declared === undefined
        ? [411, 'The request must say how large its body is (Content-Length); it was not read.']
        : [413, `The request body is larger than the limit of ${limit} bytes (${setting}); it was not read.`];
    response.status(status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [{ field: 'body', message }] } }] });
  };
}

/**
 * Runs the rest of a GraphQL request in its scope: its id, and the deadline
 * (REQUEST_TIMEOUT_MS from now) after which its reads stop. It runs after the
 * body is read, so that the scope carries on into the resolvers.
 */
@Injectable()
export class RequestScopeMiddleware implements NestMiddleware {
  constructor(@Inject(CONFIG) private readonly config: LooptraceConfig) {}

  use(request: Request & { id?: string }, _response: Response, next: NextFunction): void {
    const timeoutMs = this.config.limits.requestTimeoutMs;
    RequestScopes.run({ id: request.id ?? randomUUID(), deadline: Date.now() + timeoutMs, timeoutMs }, next);
  }
}
