import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { IdeForBrowsers } from './ide-for-browsers.middleware';
import { WebController } from './web.controller';
import { WebFiles } from './web-files';

const GRAPHQL_PATH = Symbol('GRAPHQL_PATH');

/**
 * The pages for people: the GraphQL IDE, the loop dashboard and the trace
 * pages. They are plain files that talk to the public GraphQL API with the
 * viewer's token, like any other client; no domain part knows this module.
 */
@Module({})
export class WebModule implements NestModule {
  constructor(@Inject(GRAPHQL_PATH) private readonly graphqlPath: string) {}

  static forRoot(graphqlPath: string): DynamicModule {
    return {
      module: WebModule,
      controllers: [WebController],
      providers: [WebFiles, IdeForBrowsers, { provide: GRAPHQL_PATH, useValue: graphqlPath }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IdeForBrowsers).forRoutes({ path: this.graphqlPath, method: RequestMethod.GET });
  }
}
