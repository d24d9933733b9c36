import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { CONFIG, LooptraceConfig } from '../config/config';
import { ImportJob } from './import-job.entity';
import { ImportJobs } from './import-jobs.service';
import { ImportersModule } from './importers.module';
import { ImportersResolver } from './importers.resolver';
import { ImportsController } from './imports.controller';

/**
 * Imports as the service runs them: in the background, as jobs, through the
 * API and the upload endpoint. The command line imports in the foreground
 * through ImportService and does not load this module.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ImportJob]),
    ImportersModule,
    ActorsModule,
    MulterModule.registerAsync({
      inject: [CONFIG],
      // Without a destination, multer keeps each file in memory (file.buffer).
      useFactory: (config: LooptraceConfig) => ({ limits: { fileSize: config.limits.importBodyBytes } }),
    }),
  ],
  providers: [ImportJobs, ImportersResolver],
  controllers: [ImportsController],
})
export class ImportJobsModule {}
