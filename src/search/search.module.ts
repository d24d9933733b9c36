import { Module } from '@nestjs/common';
import { BlueprintsModule } from '../blueprints/blueprints.module';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { FeedbackModule } from '../feedback/feedback.module';
import { HistoryModule } from '../history/history.module';
import { ThemesModule } from '../themes/themes.module';
import { PostgresSearchIndex, SEARCH_INDEX, SqliteSearchIndex } from './search-index';
import { SearchResolver } from './search.resolver';
import { SearchService } from './search.service';

/** Full-text search, kept in step by the writes themselves; one index implementation per engine. */
@Module({
  imports: [HistoryModule, FeedbackModule, ThemesModule, BlueprintsModule],
  providers: [
    {
      provide: SEARCH_INDEX,
      inject: [CONFIG, TransactionRunner],
      useFactory: (config: LooptraceConfig, tx: TransactionRunner) =>
        config.database.engine === 'postgres' ? new PostgresSearchIndex(tx) : new SqliteSearchIndex(tx),
    },
    SearchService,
    SearchResolver,
  ],
})
export class SearchModule {}
