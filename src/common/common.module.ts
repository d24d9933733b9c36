import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { TransactionRunner } from './transactions';

@Global()
@Module({
  providers: [Clock, TransactionRunner],
  exports: [Clock, TransactionRunner],
})
export class CommonModule {}
