import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'typeorm';

let statementsRun = 0;

/** Parameters as JSON; SQLite's integers are bound as BigInts, which JSON writes as the numbers they are. */
export const parametersJson = (parameters: unknown[]) => JSON.stringify(parameters, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));

/** Statements run by this process on every data source since it started: the metrics read it. */
export const statementsSoFar = () => statementsRun;

/** A statement as it was sent to the database, with its parameters. */
export interface LoggedStatement {
  query: string;
  parameters: unknown[];
}

/**
 * TypeORM's logger: counts every statement (the N+1 tests read the count),
 * keeps them with their parameters while someone records them (the query
 * plan test explains them) and, when LOG_SQL is on, prints them. Errors are
 * logged server-side only.
 */
export class SqlLogger implements Logger {
  private readonly logger = new NestLogger('SQL');
  private readonly recordings = new Set<LoggedStatement[]>();
  statements = 0;

  constructor(private readonly verbose: boolean) {}

  /** Keeps every statement sent from now on, with its parameters, until stop is called. */
  record(): { statements: LoggedStatement[]; stop: () => void } {
    const statements: LoggedStatement[] = [];
    this.recordings.add(statements);
    return { statements, stop: () => this.recordings.delete(statements) };
  }

  logQuery(query: string, parameters?: unknown[]): void {
    this.statements += 1;
    statementsRun += 1;
    for (const recording of this.recordings) recording.push({ query, parameters: [...(parameters ?? [])] });
    if (this.verbose) this.logger.debug(`${query}${parameters?.length ? ` -- ${parametersJson(parameters)}` : ''}`);
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`${error instanceof Error ? error.message : error} in: ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    // TypeORM reports each migration it ran as a schema-build message; an operator wants those whatever LOG_SQL says.
    const migrated = /^Migration (\S+) has been executed successfully\.$/.exec(message);
    if (migrated) this.logger.log(`Migrated the database: ${migrated[1]}`);
    else if (this.verbose) this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.error(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else if (this.verbose) this.logger.log(String(message));
  }
}
