import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, requestLoader } from '../common/loaders';
import { HistoryService } from './history.service';
import { LoopEvent } from './loop-event.entity';

/** Loads events named by other records and what each event concerns, batched per request. */
@Injectable()
export class EventLoader {
  constructor(private readonly history: HistoryService) {}

  load(context: object, id: number): Promise<LoopEvent | null> {
    return requestLoader<number, LoopEvent | null>(context, 'event', async (ids) =>
      byKeys(ids, await this.history.byIds(ids), (event) => event.id),
    ).load(id);
  }

  /** The keys of every record the event concerns, sorted. */
  recordKeys(context: object, eventId: number): Promise<string[]> {
    return requestLoader<number, string[]>(context, 'event.recordKeys', async (ids) =>
      groupByKeys(ids, await this.history.recordKeysOf(ids), (row) => row.eventId).map((rows) => rows.map((row) => row.recordKey).sort()),
    ).load(eventId);
  }

  /** The keys of the loops the event concerns, in the order of their ids. */
  loopKeys(context: object, eventId: number): Promise<string[]> {
    return requestLoader<number, string[]>(context, 'event.loopKeys', async (ids) =>
      groupByKeys(ids, await this.history.loopsOf(ids), (row) => row.eventId).map((rows) =>
        rows.map((row) => row.feedbackId).sort((a, b) => a - b).map((id) => `FB-${id}`),
      ),
    ).load(eventId);
  }
}
