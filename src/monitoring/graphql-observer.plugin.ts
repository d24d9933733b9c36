import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject, Logger } from '@nestjs/common';
import { CONFIG, LooptraceConfig } from '../config/config';
import { GraphQLRequestRecord } from './logging';
import { Metrics } from './metrics';

interface ObservedContext {
  req?: { id?: string; actor?: { id: number }; graphql?: GraphQLRequestRecord };
}

/** The code of the first error of an answer, or OK. */
function outcomeOf(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string {
  const code = errors?.[0]?.extensions?.code;
  return errors?.length ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'OK';
}

/**
 * Watches every GraphQL operation over HTTP: notes its name and outcome on
 * the request for the request's log line, counts it in the metrics, and
 * logs it when it took longer than SLOW_OPERATION_MS.
 */
@Plugin()
export class GraphQLObserver implements ApolloServerPlugin<ObservedContext> {
  private readonly logger = new Logger('GraphQL');

  constructor(
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: LooptraceConfig,
  ) {}

  async requestDidStart(): Promise<GraphQLRequestListener<ObservedContext>> {
    const started = performance.now();
    const { metrics, logger } = this;
    const slowMs = this.config.observability.slowOperationMs;
    return {
      async willSendResponse({ contextValue, operation, operationName, response }) {
        const outcome = outcomeOf(response.body.kind === 'single' ? response.body.singleResult.errors : undefined);
        const record: GraphQLRequestRecord = { operationName: operationName ?? null, operationType: operation?.operation ?? null, outcome };
        if (contextValue.req) contextValue.req.graphql = record;
        const ms = performance.now() - started;
        metrics.operationAnswered(record.operationName, record.operationType, outcome, ms / 1000);
        if (ms > slowMs) {
          const who = contextValue.req?.actor ? `actor ${contextValue.req.actor.id}` : 'no actor';
          logger.warn(
            `Slow operation ${record.operationName ?? '(anonymous)'} (${record.operationType ?? 'unknown'}): ${Math.round(ms)} ms, ${outcome}, request ${contextValue.req?.id ?? '-'}, ${who}`,
          );
        }
      },
    };
  }
}
