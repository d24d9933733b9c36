import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger } from 'pino';
import { Options as HttpLoggingOptions } from 'pino-http';
import { ObservabilityConfig } from '../config/config';

/** Where log lines go: standard output, unless something else is provided (the tests read them). */
export const LOG_DESTINATION = Symbol('LogDestination');

/** The one pino logger of the service: Nest's own messages, request lines and the parts' logs all go through it. */
export const ROOT_LOGGER = Symbol('RootLogger');

/** What the GraphQL layer learns of a request, for its log line and its metrics (set by GraphQLObserver). */
export interface GraphQLRequestRecord {
  operationName: string | null;
  operationType: string | null;
  /** OK, or the code of the first error. */
  outcome: string;
}

/** The request as the log reads it: its id, the actor the door found, and what GraphQL made of it. */
type ObservedRequest = IncomingMessage & { id?: string; actor?: { id: number }; graphql?: GraphQLRequestRecord };

/** Probes and scrapes come every few seconds; a line each would drown the requests people make. */
const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** The pretty printer of development, when it is installed (it is a development dependency). */
function prettyStream(): DestinationStream | null {
  try {
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return null;
  }
}

/**
 * One JSON object per line in production; in development, readable lines
 * when pino-pretty is installed. Tokens and emails never reach a log line:
 * request lines carry the request's id, method, path and the actor's id only.
 */
export function createRootLogger(config: ObservabilityConfig, destination: DestinationStream | null): Logger {
  const options = { level: config.logLevel, timestamp: pino.stdTimeFunctions.isoTime, base: undefined };
  // Written as they come, so that the last lines before an exit (the shutdown's) are not lost in a buffer.
  const stream = destination ?? (config.production ? null : prettyStream()) ?? pino.destination({ dest: 1, sync: true });
  return pino(options, stream);
}

const pathOf = (url: string | undefined) => (url ?? '/').split('?')[0];

/** The address as the client sent it: Express shortens request.url inside a route mounted on a path (/graphql). */
const originalUrl = (request: IncomingMessage) => (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url;

/** The options of the request log (pino-http): one line per request when its response has been sent. */
export function requestLogging(logger: Logger): HttpLoggingOptions {
  return {
    logger,
    genReqId: (request) => (request as ObservedRequest).id ?? '',
    autoLogging: { ignore: (request) => QUIET_PATHS.includes(pathOf(request.url)) },
    quietReqLogger: true,
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, path: pathOf(request.url) }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customProps: (request: IncomingMessage) => {
      const observed = request as ObservedRequest;
      return {
        ...(observed.actor ? { actorId: observed.actor.id } : {}),
        ...(observed.graphql
          ? { operation: observed.graphql.operationName ?? '(anonymous)', operationType: observed.graphql.operationType, outcome: observed.graphql.outcome }
          : {}),
      };
    },
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (request: IncomingMessage, response: ServerResponse, responseTime: number) =>
      `${request.method} ${pathOf(originalUrl(request))} ${response.statusCode} in ${Math.round(responseTime)} ms`,
    customErrorMessage: (request: IncomingMessage, response: ServerResponse) => `${request.method} ${pathOf(originalUrl(request))} ${response.statusCode} failed`,
    customAttributeKeys: { responseTime: 'durationMs' },
  };
}
