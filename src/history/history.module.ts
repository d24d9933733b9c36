import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryService } from './history.service';
import { LoopEvent, LoopEventLoop } from './loop-event.entity';

@Module({
  imports: [TypeOrmModule.forFeature([LoopEvent, LoopEventLoop])],
  providers: [HistoryService],
  exports: [HistoryService],
})
export class HistoryModule {}
