import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventLoader } from './event.loader';
import { HistoryService } from './history.service';
import { LiveEvents } from './live-events';
import { LoopEvent, LoopEventLoop, LoopEventRecord } from './loop-event.entity';
import { PostgresLiveRelay } from './postgres-live-relay';

@Module({
  imports: [TypeOrmModule.forFeature([LoopEvent, LoopEventLoop, LoopEventRecord])],
  providers: [HistoryService, EventLoader, LiveEvents, PostgresLiveRelay],
  exports: [HistoryService, EventLoader, LiveEvents],
})
export class HistoryModule {}
