import { Module } from '@nestjs/common';
import { LimitsPlugin } from './limits.plugin';
import { OperationLimits } from './operation-limits';

/** What one request, and one caller over time, may ask of the GraphQL API. */
@Module({
  providers: [OperationLimits, LimitsPlugin],
  exports: [OperationLimits],
})
export class LimitsModule {}
