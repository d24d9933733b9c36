import { Injectable } from '@nestjs/common';
import { Actor } from '../actors/actor.entity';
import { groupByKeys, requestLoader } from '../common/loaders';
import { Connection, PageArgs } from '../common/pagination';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { HistoryService } from '../history/history.service';
import { LoopEvent } from '../history/loop-event.entity';
import { LoopFactsService, LoopRecord } from './loop-facts.service';
import { LoopStageStay } from './loop-stage-stay.entity';
import { LoopsService } from './loops.service';
import { Trace } from './trace';
import { TraceService } from './trace.service';

/** Loads what the loops of a list show: their records, stays, timelines and traces, batched per request. */
@Injectable()
export class LoopLoader {
  constructor(
    private readonly facts: LoopFactsService,
    private readonly loops: LoopsService,
    private readonly history: HistoryService,
    private readonly traces: TraceService,
  ) {}

  /** The loop's facts, links and answering blueprints. */
  record(context: object, item: FeedbackItem): Promise<LoopRecord> {
    return requestLoader<FeedbackItem, LoopRecord>(context, 'loop.record', async (items) => {
      const records = await this.facts.loadFor([...items]);
      return items.map((each) => records.get(each.id)!);
    }).load(item);
  }

  /** The loop's stays in its stages, oldest first. */
  stays(context: object, feedbackId: number): Promise<LoopStageStay[]> {
    return requestLoader<number, LoopStageStay[]>(context, 'loop.stays', async (ids) =>
      groupByKeys(ids, await this.loops.stays(ids), (stay) => stay.feedbackId),
    ).load(feedbackId);
  }

  /** One page of the loop's timeline. */
  timeline(context: object, feedbackId: number, page: PageArgs): Promise<Connection<LoopEvent>> {
    // One loader per page asked for: the loops of a list that ask for the same page are read together.
    const name = `loop.timeline ${JSON.stringify([page.first ?? null, page.after ?? null])}`;
    return requestLoader<number, Connection<LoopEvent>>(context, name, (ids) => this.history.timelines(ids, page)).load(feedbackId);
  }

  /**
   * The loop's trace as the request's viewer may see it, shared by both
   * export formats. A request has one viewer, so one loader serves it.
   */
  trace(context: object, item: FeedbackItem, viewer: Actor): Promise<Trace> {
    return requestLoader<FeedbackItem, Trace>(context, 'loop.trace', async (items) => {
      const traces = await this.traces.traces([...items], viewer);
      return items.map((each) => traces.get(each.id)!);
    }).load(item);
  }
}
