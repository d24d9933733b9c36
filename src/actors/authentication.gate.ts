import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Buckets } from '../common/limits/buckets';
import { ErrorCode } from '../common/errors';
import { CONFIG, LooptraceConfig } from '../config/config';
import { Actor } from './actor.entity';
import { ActorsService, hashToken } from './actors.service';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const MINUTE_MS = 60_000;

/** How long a token that was accepted still passes an address that is throttled for bad tokens (a colleague behind the same NAT). */
const RECENTLY_VALID_MS = 10 * MINUTE_MS;
const RECENTLY_VALID_MAX = 10_000;

/** What the gate learned of a request before any of it was parsed. */
export interface GatedRequest {
  /** The actor of a valid token; absent on a request without one. */
  actor?: Actor;
  /** Whom the request's costs are charged to: the token, or the address of a request without one. */
  callerKey?: string;
}

/** The caller's address, as the socket reports it. */
export const addressOf = (request: Request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/**
 * The first thing every GraphQL request meets, before its body is read:
 * - a bearer token is checked at once; an unknown or revoked one is answered
 *   401 UNAUTHENTICATED, and each such answer counts against the address:
 *   past AUTH_FAILURES_PER_MINUTE, requests from it that carry a token not
 *   seen valid lately are refused with 429 until the count drains;
 * - a request without a token (only `__typename` and introspection answer
 *   one) counts against its address's ANONYMOUS_REQUESTS_PER_MINUTE;
 * - the request is then charged to its token, or to its address.
 */
@Injectable()
export class AuthenticationGate {
  private readonly failures: Buckets;
  private readonly anonymous: Buckets;
  private readonly recentlyValid = new Map<string, number>();

  constructor(
    @Inject(CONFIG) config: LooptraceConfig,
    private readonly actors: ActorsService,
  ) {
    this.failures = new Buckets(config.limits.authFailuresPerMinute, MINUTE_MS);
    this.anonymous = new Buckets(config.limits.anonymousPerMinute, MINUTE_MS);
  }

  /** The Express middleware. */
  readonly handle = async (request: Request & GatedRequest, response: Response, next: NextFunction): Promise<void> => {
    const address = addressOf(request);
    const header = request.headers.authorization;
    if (!header) {
      const state = this.anonymous.take(address, 1);
      if (!state.granted) return refuse(response, 429, ErrorCode.RATE_LIMITED, 'Too many requests without a token from your address.', state.retryAfterMs);
      request.callerKey = `address:${address}`;
      return next();
    }
    const secret = BEARER.exec(header)?.[1];
    const hash = secret ? hashToken(secret) : null;
    if (!this.wasRecentlyValid(hash)) {
      const throttled = this.failures.peek(address);
      if (!throttled.granted) {
        return refuse(response, 429, ErrorCode.RATE_LIMITED, 'Too many requests with unknown tokens from your address.', throttled.retryAfterMs);
      }
    }
    const found = secret ? await this.actors.authenticateToken(secret) : null;
    if (!found) {
      this.failures.take(address, 1);
      const message = secret ? 'The API token is unknown or revoked.' : 'Send the token as "Authorization: Bearer <token>".';
      return refuse(response, 401, ErrorCode.UNAUTHENTICATED, message);
    }
    this.rememberValid(hash!);
    request.actor = found.actor;
    request.callerKey = `token:${found.tokenId}`;
    next();
  };

  private wasRecentlyValid(hash: string | null): boolean {
    const at = hash ? this.recentlyValid.get(hash) : undefined;
    return at !== undefined && Date.now() - at < RECENTLY_VALID_MS;
  }

  private rememberValid(hash: string): void {
    this.recentlyValid.delete(hash);
    this.recentlyValid.set(hash, Date.now());
    if (this.recentlyValid.size > RECENTLY_VALID_MAX) this.recentlyValid.delete(this.recentlyValid.keys().next().value!);
  }
}

/** An answer in the GraphQL error shape, before the request reached GraphQL. */
function refuse(response: Response, status: number, code: ErrorCode, message: string, retryAfterMs?: number): void {
  const retryAfter = retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
  response.status(status).json({ errors: [{ message, extensions: { code, ...(retryAfter !== undefined ? { retryAfter } : {}) } }] });
}
