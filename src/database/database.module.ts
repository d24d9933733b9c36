import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { CONFIG, LooptraceConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';
import { QueryPacing } from './query-pacing';
import { SqlLogger } from './sql-logger';
import { prepareSqliteFolder } from './sqlite-file';
import { bindNumberParameters } from './sqlite-number-parameters';
import { WRITER } from './writer';


@Module({
  providers: [{ provide: SqlLogger, inject: [CONFIG], useFactory: (config: LooptraceConfig) => new SqlLogger(config.logSql) }],
  exports: [SqlLogger],
})
class SqlLoggerModule {}

const isSqliteFile = (options: DataSourceOptions) => options.type === 'better-sqlite3' && options.database !== ':memory:';

/** A data source of the options, opened; on SQLite it binds numbers rather than writing them into the statements (see bindNumberParameters). */
function open(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  bindNumberParameters(dataSource);
  return dataSource.initialize();
}

/** Brings the schema up to date on a connection of its own, with no statement timeout: a migration may take long. */
async function migrate(options: DataSourceOptions): Promise<void> {
  const quiet: DataSourceOptions = options.type === 'postgres' ? { ...options, extra: {}, poolSize: 1 } : options;
  const migrator = await open({ ...quiet, migrationsRun: true });
  await migrator.destroy();
}

/** The data source for reads: migrated first; on a SQLite file, unable to write. */
async function openReader(options: DataSourceOptions): Promise<DataSource> {
  if (options.type === 'better-sqlite3' && !isSqliteFile(options)) {
    const single = await open({ ...options, migrationsRun: true });
    single.subscribers.push(new QueryPacing(true));
    return single;
  }
  if (isSqliteFile(options)) prepareSqliteFolder(options.database as string);
  await migrate(options);
  const reader = await open(options);
  if (isSqliteFile(options)) await reader.query('PRAGMA query_only = ON');
  reader.subscribers.push(new QueryPacing(options.type === 'better-sqlite3'));
  return reader;
}

async function openWriter(reader: DataSource): Promise<DataSource> {
  if (!isSqliteFile(reader.options)) return reader;
  const writer = await open(reader.options);
  writer.subscribers.push(new QueryPacing(true));
  return writer;
}

@Injectable()
class WriterLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(WRITER) private readonly writer: DataSource,
    @Inject(getDataSourceToken()) private readonly reader: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.writer !== this.reader && this.writer.isInitialized) await this.writer.destroy();
  }
}

/** The data sources of the configured engine, migrated to the latest schema at start-up. */
@Module({
  imports: [
    SqlLoggerModule,
    TypeOrmModule.forRootAsync({
      imports: [SqlLoggerModule],
      inject: [CONFIG, SqlLogger],
      useFactory: (config: LooptraceConfig, logger: SqlLogger) => ({
        ...dataSourceOptions(config.database, logger, config.limits.requestTimeoutMs),
        autoLoadEntities: true,
        // A database that cannot be opened or migrated stops start-up at once, with the reason.
        retryAttempts: 0,
      }),
      dataSourceFactory: (options) => openReader(options!),
    }),
  ],
  providers: [{ provide: WRITER, inject: [getDataSourceToken()], useFactory: openWriter }, WriterLifecycle],
  exports: [SqlLoggerModule, WRITER],
})
export class DatabaseModule {}
