import type Database from 'better-sqlite3';
import { DataSourceOptions, Logger } from 'typeorm';
import { DatabaseConfig } from '../config/config';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './naming.strategy';

/** How long a writer waits for another process's lock before giving up (the CLI beside a running service). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The pages each SQLite connection keeps in its own memory, in KiB (the
 * service has two: the writer and the reader). About 16 MB is what
 * better-sqlite3 builds SQLite with; set here so that the bound stays what
 * operations.md says whatever the build. A larger database does not make it
 * grow: beyond it, pages come from the operating system's file cache, which
 * is not the process's.
 */
export const SQLITE_CACHE_KIB = 16_000;

function prepareSqlite(db: Database.Database): void {
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  // No memory-mapped reads: mapped pages of the file would count in the process's resident memory, up to the size of the database.
  db.pragma('mmap_size = 0');
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
    // Prepared statements are kept by their text, one per shape of statement (numbers are bound, see
    // bindNumberParameters); lists of ids of many lengths make many shapes. From a few KiB
    // each to about 100 KiB (an IN list of 500 ids).
    statementCacheSize: 1000,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: prepareSqlite,
  };
}
