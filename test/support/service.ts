import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, configureHttp } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { DatabaseConfig, loadConfig, LooptraceConfig } from '../../src/config/config';
import { createTestDatabase, portable } from './database';
import { Writable } from 'node:stream';
import { LOG_DESTINATION } from '../../src/monitoring/logging';
import { WRITER } from '../../src/database/writer';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** The defaults of a fresh machine, on this database, with a quick webhook worker. */
export function testConfig(database: DatabaseConfig): LooptraceConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    database,
    webhooks: { ...defaults.webhooks, pollMs: 50, retryBaseMs: 50, timeoutMs: 1000, allowPrivateNetworks: true },
    stalls: { ...defaults.stalls, sweepMs: 0 },
  };
}

/** A clock the tests move by hand. */
export class TestClock extends Clock {
  private current = new Date('2026-01-05T09:00:00Z');

  override now(): Date {
    return new Date(this.current);
  }

  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface TestService {
  url: string;
  app: INestApplication;
  clock: TestClock;
  /** The database it runs on, to start another service on it. */
  database: DatabaseConfig;
  /** Sends one GraphQL operation over HTTP with the token (none when null). */
  gql<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns the data. */
  ok<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Creates an actor with the role through the API and returns a token of theirs. */
  actor(role: string, name: string): Promise<{ token: string; email: string }>;
  /** Counts rows of a table, straight from the database. */
  count(table: string): Promise<number>;
  /** Runs SQL with ? placeholders straight on the database. */
  sql<T = Record<string, any>>(query: string, parameters?: unknown[]): Promise<T[]>;
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

  let actors = 0;
  const actor = async (role: string, name: string) => {
    actors += 1;
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${actors}@example.org`;
    await ok(ADMIN_TOKEN, `mutation($input: CreateActorInput!) { createActor(input: $input) { actor { id } } }`, {
      input: { name, email, role, organization: 'Example Cloud' },
    });
    const data = await ok<{ issueToken: { token: string } }>(
      ADMIN_TOKEN,
      `mutation($input: IssueTokenInput!) { issueToken(input: $input) { token } }`,
      { input: { actorEmail: email, label: 'tests' } },
    );
    return { token: data.issueToken.token, email };
  };

  // The writer: tests write behind the services' back (to prove a check can fail), and read what committed.
  const dataSource = app.get<DataSource>(WRITER);
  const sql = <T>(query: string, parameters: unknown[] = []): Promise<T[]> => dataSource.query(portable(query, database.engine), parameters);
  const count = async (table: string) => Number((await sql<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  return {
    url,
    app,
    clock,
    database,
    gql,
    ok,
    actor,
    count,
    sql,
    close: async () => {
      await app.close();
      await fresh?.drop();
    },
  };
}
