import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter, on } from 'node:events';
import { EventReader, mayReadEvent } from './event-catalogue';
import { LoopEvent } from './loop-event.entity';

/** A committed event, with the loops it concerns. */
export interface LiveEvent {
  event: LoopEvent;
  loops: readonly number[];
}

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
  private readonly relays: Array<(live: LiveEvent) => void> = [];
  private readonly preparers: Array<(live: LiveEvent) => Promise<void>> = [];
  private readonly watchers: Array<(live: LiveEvent) => void> = [];

  /** An event committed in this process: for subscribers here, and for every relay to other instances. */
  publish(live: LiveEvent): void {
    this.watchers.forEach((watcher) => watcher(live));
    this.emitter.emit(EVENT, live);
    this.relays.forEach((relay) => relay(live));
  }

  /** An event committed by another instance: prepared as a local one would be, then given to subscribers here. */
  async publishRelayed(live: LiveEvent): Promise<void> {
    this.watchers.forEach((watcher) => watcher(live));
    for (const prepare of this.preparers) await prepare(live);
    this.emitter.emit(EVENT, live);
  }

  /** Every committed event that reaches this instance, its own and the relayed ones, whether anyone subscribes or not. */
  onEvent(watcher: (live: LiveEvent) => void): void {
    this.watchers.push(watcher);
  }

  onPublished(relay: (live: LiveEvent) => void): void {
    this.relays.push(relay);
  }

  /** Work done on a relayed event before subscribers see it (what a local event had done inside its transaction). */
  beforeRelayed(prepare: (live: LiveEvent) => Promise<void>): void {
    this.preparers.push(prepare);
  }

  get subscribers(): number {
    return this.emitter.listenerCount(EVENT);
  }

  /** Every event published from now on that this reader may see, until the consumer stops or the service shuts down. */
  async *stream(reader: EventReader): AsyncGenerator<LiveEvent> {
    try {
      for await (const [live] of on(this.emitter, EVENT, { signal: this.closing.signal })) {
        if (mayReadEvent(reader, (live as LiveEvent).event.type)) yield live as LiveEvent;
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}
