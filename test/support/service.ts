import { INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { loadConfig, LooptraceConfig } from '../../src/config/config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** The defaults of a fresh machine, on this database file, with a quick webhook worker. */
export function testConfig(databasePath: string): LooptraceConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    database: { engine: 'sqlite', path: databasePath },
    webhooks: { ...defaults.webhooks, pollMs: 50, retryBaseMs: 50, timeoutMs: 1000 },
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
  databasePath: string;
  /** Sends one GraphQL operation over HTTP with the token (none when null). */
  gql<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns the data. */
  ok<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Creates an actor with the role through the API and returns a token of theirs. */
  actor(role: string, name: string): Promise<{ token: string; email: string }>;
  /** Counts rows of a table, straight from the database file. */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** Starts the whole service on a fresh SQLite file and a free port, as `npm start` would. */
export async function startService(overrides: Partial<LooptraceConfig> = {}): Promise<TestService> {
  const quiet = !process.env.TEST_LOG;
  if (quiet) Logger.overrideLogger(false);
  const directory = mkdtempSync(join(tmpdir(), 'looptrace-test-'));
  const databasePath = join(directory, 'looptrace.sqlite');
  const config: LooptraceConfig = { ...testConfig(databasePath), adminToken: ADMIN_TOKEN, ...overrides };
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication(quiet ? { logger: false } : {});
  await app.listen(0, '127.0.0.1');
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

  const dataSource = app.get(DataSource);
  const count = async (table: string) => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  return {
    url,
    app,
    clock,
    databasePath,
    gql,
    ok,
    actor,
    count,
    close: async () => {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
