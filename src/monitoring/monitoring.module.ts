import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONFIG, LooptraceConfig } from '../config/config';
import { HistoryModule } from '../history/history.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { GraphQLObserver } from './graphql-observer.plugin';
import { HealthController } from './health.controller';
import { LifecycleLog } from './lifecycle-log';
import { createRootLogger, LOG_DESTINATION, ROOT_LOGGER } from './logging';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

/**
 * What operators watch: health probes, metrics and logs. It reads the other
 * parts and no part knows it, like the pages for people.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), WebhooksModule, HistoryModule],
  providers: [
    Metrics,
    GraphQLObserver,
    LifecycleLog,
    { provide: LOG_DESTINATION, useValue: null },
    {
      provide: ROOT_LOGGER,
      inject: [CONFIG, LOG_DESTINATION],
      useFactory: (config: LooptraceConfig, destination: Parameters<typeof createRootLogger>[1]) => createRootLogger(config.observability, destination),
    },
  ],
  controllers: [HealthController, MetricsController],
  exports: [Metrics, ROOT_LOGGER],
})
export class MonitoringModule {}
