import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlueprintsModule } from '../blueprints/blueprints.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { OutcomesModule } from '../outcomes/outcomes.module';
import { ReleasesModule } from '../releases/releases.module';
import { ThemesModule } from '../themes/themes.module';
import { ALL_IMPORTERS } from './formats';
import { ImportRecordRow } from './import-record.entity';
import { ImportService } from './import.service';
import { IMPORTERS } from './importer';

/** Bringing records in from the formats working groups already keep, through the same services as the API. */
@Module({
  imports: [TypeOrmModule.forFeature([ImportRecordRow]), ThemesModule, BlueprintsModule, OutcomesModule, FeedbackModule, ReleasesModule],
  providers: [{ provide: IMPORTERS, useValue: ALL_IMPORTERS }, ImportService],
  exports: [ImportService],
})
export class ImportersModule {}
