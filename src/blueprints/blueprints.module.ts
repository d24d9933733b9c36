import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedbackModule } from '../feedback/feedback.module';
import { HistoryModule } from '../history/history.module';
import { ReleasesModule } from '../releases/releases.module';
import { ThemesModule } from '../themes/themes.module';
import { FeedbackBlueprintLink, ThemeBlueprintLink } from './blueprint-links.entity';
import { Blueprint } from './blueprint.entity';
import { BlueprintLoader } from './blueprint.loader';
import { BlueprintsResolver, ThemeBlueprintsResolver } from './blueprints.resolver';
import { BlueprintsService } from './blueprints.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Blueprint, ThemeBlueprintLink, FeedbackBlueprintLink]),
    FeedbackModule,
    ThemesModule,
    ReleasesModule,
    HistoryModule,
  ],
  providers: [BlueprintsService, BlueprintLoader, BlueprintsResolver, ThemeBlueprintsResolver],
  exports: [BlueprintsService, BlueprintLoader],
})
export class BlueprintsModule {}
