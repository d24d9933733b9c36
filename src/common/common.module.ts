import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { Clock } from './clock';
import { LinkStore } from './links';
import { TransactionRunner } from './transactions';

@Global()
@Module({
  imports: [DatabaseModule],
  providers: [Clock, TransactionRunner, LinkStore],
  exports: [Clock, TransactionRunner, LinkStore],
})
export class CommonModule {}
