import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../../src/config/config';

/**
 * The engine the end-to-end tests run on: SQLite files by default; PostgreSQL
 * when TEST_ENGINE=postgres, on the server of TEST_DATABASE_URL (the local
 * one by default), each test database created fresh and dropped after.
 */
export const TEST_ENGINE = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const SERVER_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: DatabaseConfig;
  /** The SQLite file, for tests that look at the file itself. */
  path: string | null;
  drop(): Promise<void>;
}

let created = 0;

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of the test engine (or of the engine a test needs whatever the run's engine). */
export async function createTestDatabase(engine: DatabaseConfig['engine'] = TEST_ENGINE): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'looptrace-test-'));
    const path = join(directory, 'looptrace.sqlite');
    return { database: { engine: 'sqlite', path }, path, drop: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  created += 1;
  const name = `looptrace_test_${process.pid}_${created}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    database: { engine: 'postgres', url: url.toString(), poolSize: 5, ssl: 'disable' },
    path: null,
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** SQL with ? placeholders, in the engine's own placeholders. */
export function portable(sql: string, engine: DatabaseConfig['engine']): string {
  let index = 0;
  return engine === 'postgres' ? sql.replace(/\?/g, () => `$${++index}`) : sql;
}

/** Straight on the database, behind the services' back: to prove that a check can fail, and to read what committed. */
export interface DirectSql {
  /** Runs SQL with ? placeholders. */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  /** Counts the rows of a table. */
  count(table: string): Promise<number>;
}

export function directSql(dataSource: DataSource, engine: DatabaseConfig['engine']): DirectSql {
  const sql = <T>(query: string, parameters: unknown[] = []): Promise<T[]> => dataSource.query(portable(query, engine), parameters);
  const count = async (table: string) => Number((await sql<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return { sql, count };
}
