import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONFIG, LooptraceConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';
import { SqlLogger } from './sql-logger';

@Module({
  providers: [{ provide: SqlLogger, inject: [CONFIG], useFactory: (config: LooptraceConfig) => new SqlLogger(config.logSql) }],
  exports: [SqlLogger],
})
class SqlLoggerModule {}

/** The data source of the configured engine, migrated to the latest schema at start-up. */
@Module({
  imports: [
    SqlLoggerModule,
    TypeOrmModule.forRootAsync({
      imports: [SqlLoggerModule],
      inject: [CONFIG, SqlLogger],
      useFactory: (config: LooptraceConfig, logger: SqlLogger) => ({
        ...dataSourceOptions(config.database, logger),
        autoLoadEntities: true,
        migrationsRun: true,
        // A database that cannot be opened or migrated stops start-up at once, with the reason.
        retryAttempts: 0,
      }),
    }),
  ],
  exports: [SqlLoggerModule],
})
export class DatabaseModule {}
