import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CONFIG, LooptraceConfig } from '../config/config';
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
