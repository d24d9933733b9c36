import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { BlueprintsModule } from '../blueprints/blueprints.module';
import { HistoryModule } from '../history/history.module';
import { OutcomeLoader } from './outcome.loader';
import { OutcomesResolver, BlueprintOutcomesResolver, ReleaseOutcomesResolver } from './outcomes.resolver';
import { OutcomesService } from './outcomes.service';
import { ReleaseOutcome } from './release-outcome.entity';
import { ReleasesModule } from '../releases/releases.module';

/** Release outcomes sit between releases and blueprints, so they have a module of their own above both. */
@Module({
  imports: [TypeOrmModule.forFeature([ReleaseOutcome]), ReleasesModule, BlueprintsModule, ActorsModule, HistoryModule],
  providers: [OutcomesService, OutcomeLoader, OutcomesResolver, BlueprintOutcomesResolver, ReleaseOutcomesResolver],
  exports: [OutcomesService],
})
export class OutcomesModule {}
