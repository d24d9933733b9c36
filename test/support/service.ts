import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, configureHttp } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { DatabaseConfig, LooptraceConfig } from '../../src/config/config';
import { ADMIN_TOKEN, emailOf, testConfig, TestClock } from './config';
import { createTestDatabase, directSql, DirectSql } from './database';
import { Writable } from 'node:stream';
import { LOG_DESTINATION } from '../../src/monitoring/logging';
import { WRITER } from '../../src/database/writer';
import { graphqlOperations, GraphQLOperations, RoleName } from './operations';

/** What the service says about an error, besides its message: its code, and the offending fields of bad input. */
export interface ErrorExtensions {
  code?: string;
  field?: string;
  fields?: Array<{ field: string; message: string }>;
  [detail: string]: unknown;
}

export interface ResponseError {
  message: string;
  path?: Array<string | number>;
  extensions?: ErrorExtensions;
}

/** An answer of the API; the caller names the shape of the data it selected. */
export interface GraphQLResponse<T = unknown> {
  data?: T | null;
  errors?: ResponseError[];
}

export interface TestService extends DirectSql {
  url: string;
  app: INestApplication;
  clock: TestClock;
  /** The database it runs on, to start another service on it. */
  database: DatabaseConfig;
  /** Sends one GraphQL operation over HTTP with the token (none when null). */
  gql<T = unknown>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns the data. */
  ok<T = unknown>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The mutations that build a dataset, sent with a token. */
  api: GraphQLOperations;
  /** Creates an actor with the role through the API and returns a token of theirs. */
  actor(role: RoleName, name: string): Promise<{ token: string; email: string }>;
  close(): Promise<void>;
}

/**
 * Starts the whole service on a free port, as `npm start` would: on a fresh
 * database of the test engine, or on the one the overrides name (which the
 * caller then owns).
 */
export async function startService(overrides: Partial<LooptraceConfig> = {}, options: { logs?: Writable } = {}): Promise<TestService> {
  const quiet = !process.env.TEST_LOG;
  if (quiet) Logger.overrideLogger(false);
  const fresh = overrides.database ? null : await createTestDatabase();
  const database = overrides.database ?? fresh!.database;
  const config: LooptraceConfig = { ...testConfig(database), adminToken: ADMIN_TOKEN, ...overrides };
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(LOG_DESTINATION)
    .useValue(options.logs ?? (quiet ? new Writable({ write: (_chunk, _encoding, done) => done() }) : null))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(quiet ? { logger: false } : {});
  configureHttp(app);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // A service that fails to start still holds what it opened (connections, listeners): let it go.
    await app.close().catch(() => undefined);
    await fresh?.drop();
    throw error;
  }
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;

  const gql = async <T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };

  const ok = async <T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T> => {
    const result = await gql<T>(token, query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
    return result.data as T;
  };

  const api = graphqlOperations({ ok });
  let actors = 0;
  const actor = async (role: RoleName, name: string) => {
    actors += 1;
    const email = emailOf(name, actors);
    await api.createActor(ADMIN_TOKEN, { name, email, role, organization: 'Example Cloud' });
    const { token } = await api.issueToken(ADMIN_TOKEN, { actorEmail: email, label: 'tests' });
    return { token, email };
  };

  return {
    url,
    app,
    clock,
    database,
    gql,
    ok,
    api,
    actor,
    ...directSql(app.get<DataSource>(WRITER), database.engine),
    close: async () => {
      await app.close();
      await fresh?.drop();
    },
  };
}
