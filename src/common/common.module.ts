import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { Clock } from './clock';
import { TransactionRunner } from './transactions';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [Clock, TransactionRunner],
  exports: [Clock, TransactionRunner],
})
export class CommonModule {}
