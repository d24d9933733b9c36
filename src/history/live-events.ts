import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter, on } from 'node:events';
import { LoopEvent } from './loop-event.entity';

const EVENT = 'event';

/**
 * Committed events, as they happen, for live subscribers in this process.
 * Nothing here is durable: the history and the webhook outbox are.
 */
@Injectable()
export class LiveEvents implements OnModuleDestroy {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly closing = new AbortController();

  publish(event: LoopEvent): void {
    this.emitter.emit(EVENT, event);
  }

  get subscribers(): number {
    return this.emitter.listenerCount(EVENT);
  }

  /** Every event published from now on, until the consumer stops or the service shuts down. */
  async *stream(): AsyncGenerator<LoopEvent> {
    try {
      for await (const [event] of on(this.emitter, EVENT, { signal: this.closing.signal })) yield event as LoopEvent;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}
