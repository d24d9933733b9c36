import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

/** Says when the service begins to stop and when it has stopped, so that a log shows a clean shutdown from a crash. */
@Injectable()
export class LifecycleLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Looptrace');

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(`Shutting down${signal ? ` on ${signal}` : ''}: finishing the requests, import batch and webhook round in flight`);
  }

  onApplicationShutdown(): void {
    this.logger.log('Stopped');
  }
}
