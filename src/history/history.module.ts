import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryService } from './history.service';
import { LiveEvents } from './live-events';
import { LoopEvent, LoopEventLoop, LoopEventRecord } from './loop-event.entity';
import { PostgresLiveRelay } from './postgres-live-relay';

@Module({
  imports: [TypeOrmModule.forFeature([LoopEvent, LoopEventLoop, LoopEventRecord])],
  providers: [HistoryService, LiveEvents, PostgresLiveRelay],
  exports: [HistoryService, LiveEvents],
})
export class HistoryModule {}
