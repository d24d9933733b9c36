import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { BlueprintsModule } from '../blueprints/blueprints.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { HistoryModule } from '../history/history.module';
import { OutcomesModule } from '../outcomes/outcomes.module';
import { ReleasesModule } from '../releases/releases.module';
import { ThemesModule } from '../themes/themes.module';
import { LoopBlueprint } from './loop-blueprint.entity';
import { LoopStageStay } from './loop-stage-stay.entity';
import { EventScopes } from './event-scope';
import { LoopExportsResolver, ReleaseReportResolver } from './exports/exports.resolver';
import { ExportsService } from './exports/exports.service';
import { LoopHealthResolver } from './health/loop-health.resolver';
import { LoopHealthService } from './health/loop-health.service';
import { LiveLoopsResolver } from './live-loops.resolver';
import { LoopFactsService } from './loop-facts.service';
import { LoopLocks } from './loop-locks';
import { LoopLoader } from './loop.loader';
import {
  BlueprintRequestsResolver,
  FeedbackLoopResolver,
  LoopClosureResolver,
  LoopEventResolver,
  LoopsResolver,
  LoopStageTimeResolver,
  LoopThemeResolver,
  ReleaseLoopsResolver,
  ThemeLoopsResolver,
} from './loops.resolver';
import { LoopsService } from './loops.service';
import { StageProjector } from './stage-projector';
import { EventsResolver } from './events.resolver';
import { LoopHealthShare, LoopHealthTally } from './health/health-tally.entity';
import { HealthTallyService } from './health/health-tally.service';
import { LoopStateStore } from './loop-state';
import { StallWatch } from './stall-watch';
import { TraceService } from './trace.service';

/** The loop itself: the stage projector, closure and merge, the trace, the loop lists and their exports. It reads every other part. */
@Module({
  imports: [
    TypeOrmModule.forFeature([LoopBlueprint, LoopStageStay, LoopHealthShare, LoopHealthTally]),
    ActorsModule,
    FeedbackModule,
    ThemesModule,
    BlueprintsModule,
    ReleasesModule,
    OutcomesModule,
    HistoryModule,
  ],
  providers: [
    LoopFactsService,
    LoopLocks,
    StageProjector,
    StallWatch,
    LoopStateStore,
    HealthTallyService,
    EventsResolver,
    EventScopes,
    LoopHealthService,
    LoopHealthResolver,
    LoopsService,
    LoopLoader,
    LoopsResolver,
    LiveLoopsResolver,
    LoopStageTimeResolver,
    LoopThemeResolver,
    LoopClosureResolver,
    LoopEventResolver,
    FeedbackLoopResolver,
    ThemeLoopsResolver,
    BlueprintRequestsResolver,
    ReleaseLoopsResolver,
    TraceService,
    ExportsService,
    LoopExportsResolver,
    ReleaseReportResolver,
  ],
  exports: [LoopsService, StallWatch],
})
export class LoopsModule {}
