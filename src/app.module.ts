import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Context } from 'graphql-ws';
import { ActorsModule } from './actors/actors.module';
import { ActorsService } from './actors/actors.service';
import { formatError } from './common/error-formatter';
import { ErrorPassThroughFilter } from './common/exception.filter';
import { InputValidationPipe } from './common/validation.pipe';
import { LooptraceConfig, loadConfig } from './config/config';
import { CoreModule } from './core.module';
import { WebModule } from './web/web.module';

export const GRAPHQL_PATH = '/graphql';

/** Large enough for an import of a working group's files in one request (importRecords). */
const REQUEST_BODY_LIMIT = '25mb';

/** What the HTTP server needs besides the modules: the service and its tests start it the same way. */
export function configureHttp(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
}

/** What graphql-ws hands to onConnect and to the context of each operation on a socket. */
type SocketContext = Context<Record<string, unknown> | undefined, unknown>;

/** Where a socket keeps the actor its token belongs to. */
const socketActor = (context: SocketContext) => context.extra as { actor?: unknown };

/** The bearer token of a socket: `{ "authorization": "Bearer <token>" }` (or `{ "token": "<token>" }`) in the connection parameters. */
function socketToken(params: Record<string, unknown> | undefined): string | null {
  const header = params?.authorization ?? params?.Authorization;
  if (typeof header === 'string') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
  return typeof params?.token === 'string' ? params.token : null;
}

/** The service: the domain served over GraphQL, queries and mutations over HTTP, subscriptions over graphql-ws. */
@Module({})
export class AppModule {
  static forRoot(config: LooptraceConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [ActorsModule],
          inject: [ActorsService],
          useFactory: (actors: ActorsService) => ({
            path: GRAPHQL_PATH,
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            includeStacktraceInErrorResponses: false,
            formatError,
            context: (context: { req?: unknown } | SocketContext) =>
              'req' in context && context.req ? { req: context.req } : { req: { headers: {}, actor: socketActor(context as SocketContext).actor } },
            subscriptions: {
              'graphql-ws': {
                path: GRAPHQL_PATH,
                onConnect: async (context: SocketContext) => {
                  const token = socketToken(context.connectionParams);
                  const actor = token ? await actors.authenticate(token) : null;
                  if (!actor) return false;
                  socketActor(context).actor = actor;
                  return true;
                },
              },
            },
          }),
        }),
        WebModule.forRoot(GRAPHQL_PATH),
      ],
      providers: [
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: ErrorPassThroughFilter },
      ],
    };
  }
}
