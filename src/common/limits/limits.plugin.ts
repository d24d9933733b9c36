import { ApolloServerPlugin, GraphQLRequestListener, GraphQLServerContext } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { OperationTypeNode } from 'graphql';
import { toGraphQLError } from '../error-formatter';
import { BadUserInputError, DomainError } from '../errors';
import { CostReport, OperationLimits } from './operation-limits';

/** The part of the GraphQL context the limits read: whom the request is charged to (set by the authentication gate). */
export interface ChargedContext {
  req?: { callerKey?: string };
}

/**
 * Costs every HTTP operation once it is parsed and validated, before any
 * resolver runs, and tells the caller what it cost in extensions.cost.
 * (Operations over WebSocket are costed in the socket's onSubscribe.) A
 * subscription sent over HTTP is refused instead: its events go out only
 * over WebSocket.
 */
@Plugin()
export class LimitsPlugin implements ApolloServerPlugin<ChargedContext> {
  constructor(private readonly limits: OperationLimits) {}

  async serverWillStart({ schema }: GraphQLServerContext): Promise<void> {
    this.limits.useSchema(schema);
  }

  async requestDidStart(): Promise<GraphQLRequestListener<ChargedContext>> {
    let report: CostReport | null = null;
    const limits = this.limits;
    return {
      async didResolveOperation({ schema, document, request, operation, operationName, contextValue }) {
        try {
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            throw BadUserInputError.field('query', 'a subscription runs over WebSocket (graphql-ws) on this same path, not over HTTP', 400);
          }
          report = limits.admit(schema, document, request.variables, operationName, contextValue.req?.callerKey ?? 'unknown');
        } catch (error) {
          throw error instanceof DomainError ? toGraphQLError(error) : error;
        }
      },
      async willSendResponse({ response }) {
        if (!report || response.body.kind !== 'single') return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: report };
      },
    };
  }
}
