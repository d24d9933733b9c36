import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter, on } from 'node:events';
import { EventReader, mayReadEvent } from './event-visibility';
import { LoopEvent } from './loop-event.entity';

const EVENT = 'event';

/**
 * Committed events, as they happen, for live subscribers in this process:
 * those committed here, and those other instances relay (see
 * PostgresLiveRelay). Nothing here is durable: the history and the webhook
 * outbox are.
 */
@Injectable()
export class LiveEvents implements OnModuleDestroy {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly closing = new AbortController();
  private readonly relays: Array<(event: LoopEvent) => void> = [];
  private readonly preparers: Array<(event: LoopEvent) => Promise<void>> = [];
  private readonly watchers: Array<(event: LoopEvent) => void> = [];

  /** An event committed in this process: for subscribers here, and for every relay to other instances. */
  publish(event: LoopEvent): void {
    this.watchers.forEach((watcher) => watcher(event));
    this.emitter.emit(EVENT, event);
    this.relays.forEach((relay) => relay(event));
  }

  /** An event committed by another instance: prepared as a local one would be, then given to subscribers here. */
  async publishRelayed(event: LoopEvent): Promise<void> {
    this.watchers.forEach((watcher) => watcher(event));
    for (const prepare of this.preparers) await prepare(event);
    this.emitter.emit(EVENT, event);
  }

  /** Every committed event that reaches this instance, its own and the relayed ones, whether anyone subscribes or not. */
  onEvent(watcher: (event: LoopEvent) => void): void {
    this.watchers.push(watcher);
  }

  onPublished(relay: (event: LoopEvent) => void): void {
    this.relays.push(relay);
  }

  /** Work done on a relayed event before subscribers see it (what a local event had done inside its transaction). */
  beforeRelayed(prepare: (event: LoopEvent) => Promise<void>): void {
    this.preparers.push(prepare);
  }

  get subscribers(): number {
    return this.emitter.listenerCount(EVENT);
  }

  /** Every event published from now on that this reader may see, until the consumer stops or the service shuts down. */
  async *stream(reader: EventReader): AsyncGenerator<LoopEvent> {
    try {
      for await (const [event] of on(this.emitter, EVENT, { signal: this.closing.signal })) {
        if (mayReadEvent(reader, event as LoopEvent)) yield event as LoopEvent;
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}
