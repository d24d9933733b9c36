import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoLogger, LoggerModule } from 'nestjs-pino';
import type { Logger as RootLogger } from 'pino';
import { pinoHttp } from 'pino-http';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { ExecutionResult } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { ActorsModule } from './actors/actors.module';
import { ActorsService } from './actors/actors.service';
import { AuthenticationGate } from './actors/authentication.gate';
import { TokenSocket, TokenSockets } from './actors/token-sockets';
import { LimitsModule } from './common/limits/limits.module';
import { OperationLimits } from './common/limits/operation-limits';
import { refuseUnreadableOperations } from './common/limits/operation-text';
import { assignRequestId, refuseBodiesOver, RequestScopeMiddleware } from './common/request-scope.middleware';
import { ImportJobsModule } from './importers/import-jobs.module';
import { IMPORTS_PATH } from './importers/imports.controller';
import { formatError } from './common/error-formatter';
import { LegacyJsonStatusPlugin } from './common/legacy-json-status.plugin';
import { ErrorPassThroughFilter } from './common/exception.filter';
import { InputValidationPipe } from './common/validation.pipe';
import { CONFIG, LooptraceConfig, loadConfig } from './config/config';
import { CoreModule } from './core.module';
import { Metrics } from './monitoring/metrics';
import { requestLogging, ROOT_LOGGER } from './monitoring/logging';
import { MonitoringModule } from './monitoring/monitoring.module';
import { routeOf } from './monitoring/routes';
import { WebModule } from './web/web.module';

export const GRAPHQL_PATH = '/graphql';

/**
 * What the HTTP server needs besides the modules, in the order a request
 * meets it: security headers; an id; its count in the metrics and its line
 * in the log, once answered; for GraphQL and uploads, the authentication
 * gate, before the body is read; a JSON body no larger than
 * GRAPHQL_BODY_LIMIT, an upload no larger than IMPORT_BODY_LIMIT; operation
 * text short and shallow enough to parse. Nest's own messages go to the same
 * log. The service and its tests start it the same way.
 */
export function configureHttp(app: NestExpressApplication): void {
  const config = app.get<LooptraceConfig>(CONFIG);
  const gate = app.get(AuthenticationGate);
  const metrics = app.get(Metrics);
  app.useLogger(app.get(PinoLogger));
  // Pages set a policy of their own (src/web); everything else may load nothing at all.
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  app.use(assignRequestId);
  app.use((request: Request, response: Response, next: NextFunction) => {
    response.on('finish', () => metrics.httpAnswered(routeOf(request.originalUrl), response.statusCode));
    next();
  });
  app.use(pinoHttp(requestLogging(app.get(ROOT_LOGGER))));
  app.use(GRAPHQL_PATH, gate.handle);
  app.use(IMPORTS_PATH, refuseBodiesOver(config.limits.importBodyBytes, 'IMPORT_BODY_LIMIT'), gate.handle);
  app.useBodyParser('json', { limit: config.limits.graphqlBodyBytes });
  app.use(GRAPHQL_PATH, refuseUnreadableOperations);
}

/** What graphql-ws hands to onConnect and to the context of each operation on a socket. */
type SocketContext = Context<Record<string, unknown> | undefined, unknown>;

/** Where a socket keeps the actor its token belongs to, and whom its operations are charged to. */
const socketCaller = (context: SocketContext) => context.extra as { actor?: unknown; callerKey?: string };

/** The bearer token of a socket: `{ "authorization": "Bearer <token>" }` (or `{ "token": "<token>" }`) in the connection parameters. */
function socketToken(params: Record<string, unknown> | undefined): string | null {
  const header = params?.authorization ?? params?.Authorization;
  if (typeof header === 'string') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
  return typeof params?.token === 'string' ? params.token : null;
}

/** The service: the domain served over GraphQL, queries and mutations over HTTP, subscriptions over graphql-ws. */
@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestScopeMiddleware).forRoutes({ path: GRAPHQL_PATH, method: RequestMethod.ALL });
  }

  static forRoot(config: LooptraceConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [ActorsModule, LimitsModule],
          inject: [ActorsService, OperationLimits, TokenSockets],
          useFactory: (actors: ActorsService, limits: OperationLimits, sockets: TokenSockets) => ({
            path: GRAPHQL_PATH,
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            // Explicit, so that NODE_ENV=production (where Apollo turns it off by default) leaves the IDE working.
            introspection: config.introspection,
            includeStacktraceInErrorResponses: false,
            // No cache hints are given or read (every operation is a POST), so Apollo's per-field cache-control bookkeeping is left out.
            plugins: [ApolloServerPluginCacheControlDisabled()],
            formatError,
            context: (context: { req?: unknown } | SocketContext) =>
              'req' in context && context.req ? { req: context.req } : { req: { headers: {}, ...socketCaller(context as SocketContext) } },
            subscriptions: {
              'graphql-ws': {
                path: GRAPHQL_PATH,
                onConnect: async (context: SocketContext) => {
                  const token = socketToken(context.connectionParams);
                  const found = token ? await actors.authenticateToken(token) : null;
                  // Held by its token until it closes, so that revoking the token closes it.
                  if (!found || !sockets.hold(found.tokenId, (context.extra as { socket: TokenSocket }).socket)) return false;
                  Object.assign(socketCaller(context), { actor: found.actor, callerKey: `token:${found.tokenId}` });
                  return true;
                },
                // Costed like any operation before it starts; refused with the same codes.
                onSubscribe: (context: SocketContext, _id: string, payload: SubscribePayload) =>
                  limits.admitSubscription(payload, socketCaller(context).callerKey ?? 'unknown'),
                // Errors leave a socket by the same gate as over HTTP: the contract's codes, nothing internal.
                onNext: (_context: SocketContext, _id: string, _payload: SubscribePayload, _args: unknown, result: ExecutionResult) =>
                  result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
              },
            },
          }),
        }),
        LimitsModule,
        ImportJobsModule,
        MonitoringModule,
        // Nest's Logger over the service's one pino logger; the request log is set up in configureHttp, ahead of the door.
        LoggerModule.forRootAsync({
          imports: [MonitoringModule],
          inject: [ROOT_LOGGER],
          useFactory: (logger: RootLogger) => ({ pinoHttp: { logger }, useExisting: true }),
        }),
        WebModule.forRoot(GRAPHQL_PATH),
      ],
      providers: [
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: ErrorPassThroughFilter },
        LegacyJsonStatusPlugin,
      ],
    };
  }
}
