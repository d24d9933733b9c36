import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * GraphQL over HTTP: a client that asks for application/json (the older
 * media type) should get 200 for a request error (a document that does not
 * parse or validate, variables that do not fit), and read the errors from
 * the body; only a client that accepts application/graphql-response+json
 * gets 4xx for them. Apollo answers 400 either way.
 */
@Plugin()
export class LegacyJsonStatusPlugin implements ApolloServerPlugin {
  async requestDidStart(): Promise<GraphQLRequestListener<object>> {
    return {
      async willSendResponse({ request, response }) {
        if (response.http.status !== 400 || response.body.kind !== 'single' || 'data' in response.body.singleResult) return;
        const accept = request.http?.headers.get('accept');
        const preferred = accept ? new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) : APPLICATION_JSON;
        if (preferred === APPLICATION_JSON) response.http.status = 200;
      },
    };
  }
}
