import { DynamicModule, Module } from '@nestjs/common';
import { ActorsModule } from './actors/actors.module';
import { BlueprintsModule } from './blueprints/blueprints.module';
import { CommonModule } from './common/common.module';
import { LooptraceConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FeedbackModule } from './feedback/feedback.module';
import { HistoryModule } from './history/history.module';
import { ImportersModule } from './importers/importers.module';
import { LoopsModule } from './loops/loops.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OutcomesModule } from './outcomes/outcomes.module';
import { ReleasesModule } from './releases/releases.module';
import { SearchModule } from './search/search.module';
import { ThemesModule } from './themes/themes.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The domain on its database, without a server: what the service and the command line share. */
@Module({})
export class CoreModule {
  static forRoot(config: LooptraceConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        CommonModule,
        HistoryModule,
        ActorsModule,
        ReleasesModule,
        FeedbackModule,
        ThemesModule,
        BlueprintsModule,
        OutcomesModule,
        LoopsModule,
        NotificationsModule,
        ImportersModule,
        SearchModule,
        WebhooksModule,
      ],
      exports: [ImportersModule, NotificationsModule, LoopsModule, ActorsModule, FeedbackModule, ThemesModule, BlueprintsModule, ReleasesModule, OutcomesModule],
    };
  }
}
