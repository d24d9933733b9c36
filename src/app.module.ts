import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { formatError } from './common/error-formatter';
import { ErrorPassThroughFilter } from './common/exception.filter';
import { InputValidationPipe } from './common/validation.pipe';
import { LooptraceConfig, loadConfig } from './config/config';
import { CoreModule } from './core.module';

export const GRAPHQL_PATH = '/graphql';

/** The service: the domain served over GraphQL. */
@Module({})
export class AppModule {
  static forRoot(config: LooptraceConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: GRAPHQL_PATH,
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          includeStacktraceInErrorResponses: false,
          context: ({ req }: { req: unknown }) => ({ req }),
          formatError,
        }),
      ],
      providers: [
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: ErrorPassThroughFilter },
      ],
    };
  }
}
