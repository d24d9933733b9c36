import type Database from 'better-sqlite3';
import { DataSourceOptions, Logger } from 'typeorm';
import { DatabaseConfig } from '../config/config';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './naming.strategy';

/** How long a writer waits for another process's lock before giving up (the CLI beside a running service). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

function prepareSqlite(db: Database.Database): void {
  db.pragma('synchronous = NORMAL');
}

/**
 * The data-source options for the configured engine; entities are added by
 * the modules that own them. With a read timeout, every statement on
 * PostgreSQL is cancelled after that long (write transactions lift it for
 * themselves, migrations run without it).
 */
export function dataSourceOptions(database: DatabaseConfig, logger?: Logger, readTimeoutMs?: number): DataSourceOptions {
  const common = {
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each' as const,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logger,
    logging: logger ? ('all' as const) : false,
  };
  if (database.engine === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      poolSize: database.poolSize,
      ssl: database.ssl === 'disable' ? false : { rejectUnauthorized: database.ssl === 'verify-full' },
      connectTimeoutMS: 10_000,
      ...(readTimeoutMs ? { extra: { statement_timeout: readTimeoutMs } } : {}),
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    enableWAL: true,
    // Prepared statements are kept by their text; lists of ids of many lengths make many texts.
    statementCacheSize: 1000,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: prepareSqlite,
  };
}
