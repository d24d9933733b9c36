import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { dateFromDatabase } from '../common/columns';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { JsonObject, LoopEvent, LoopEventLoop } from './loop-event.entity';

/** Records whose loops an event may have moved; the stage projector finds those loops. */
export interface Touches {
  feedback?: number[];
  themes?: number[];
  blueprints?: number[];
}

export interface EventDraft {
  type: string;
  recordType: string;
  recordKey: string;
  /** Null only for the service's own doings (start-up, sweeps). */
  actorId: number | null;
  before?: JsonObject | null;
  after?: JsonObject | null;
  data?: JsonObject | null;
  touches?: Touches;
  /** Set by the stage projector on the events it derives, so that it does not derive from them again. */
  derived?: boolean;
}

export interface StageChange {
  feedbackId: number;
  occurredAt: Date;
  after: JsonObject;
}

export type EventHandler = (em: EntityManager, event: LoopEvent, draft: EventDraft) => Promise<void>;

const INSERT_CHUNK = 400;

/**
 * The append-only history. Every write of every feature records its event(s)
 * here, inside its transaction; the handlers registered with onRecorded (the
 * stage projector) run inside that same transaction.
 */
@Injectable()
export class HistoryService {
  private readonly handlers: EventHandler[] = [];

  constructor(
    @InjectRepository(LoopEvent) private readonly events: Repository<LoopEvent>,
    private readonly clock: Clock,
  ) {}

  onRecorded(handler: EventHandler): void {
    this.handlers.push(handler);
  }

  async record(em: EntityManager, draft: EventDraft): Promise<LoopEvent> {
    const event: LoopEvent = Object.assign(new LoopEvent(), {
      type: draft.type,
      recordType: draft.recordType,
      recordKey: draft.recordKey,
      actorId: draft.actorId,
      occurredAt: this.clock.now(),
      before: draft.before ?? null,
      after: draft.after ?? null,
      data: draft.data ?? null,
    });
    await em.save(LoopEvent, event);
    for (const handler of this.handlers) await handler(em, event, draft);
    return event;
  }

  /** Files the event in the timeline of each of these loops. */
  async attachToLoops(em: EntityManager, eventId: number, feedbackIds: number[]): Promise<void> {
    const rows = [...new Set(feedbackIds)].map((feedbackId) => ({ feedbackId, eventId }));
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await em.insert(LoopEventLoop, rows.slice(start, start + INSERT_CHUNK));
    }
  }

  /** A loop's timeline, oldest first. */
  timeline(feedbackId: number, page: PageArgs): Promise<Connection<LoopEvent>> {
    const query = this.events
      .createQueryBuilder('event')
      .where('event.id IN (SELECT link.event_id FROM loop_event_loop link WHERE link.feedback_id = :feedbackId)', { feedbackId });
    return paginate(query, page, [{ path: 'event.id', direction: 'ASC', value: (event) => event.id }]);
  }

  /** The loop.stage_changed events of these loops, oldest first: the source of the time spent in each stage. */
  async stageChanges(feedbackIds: number[]): Promise<StageChange[]> {
    if (feedbackIds.length === 0) return [];
    const rows: Array<{ feedbackId: number; occurredAt: string | Date; after: string }> = await this.events
      .createQueryBuilder('event')
      .innerJoin(LoopEventLoop, 'link', 'link.eventId = event.id')
      .select('link.feedback_id', 'feedbackId')
      .addSelect('event.occurred_at', 'occurredAt')
      .addSelect('event.after', 'after')
      .where('event.type = :type', { type: 'loop.stage_changed' })
      .andWhere('link.feedback_id IN (:...feedbackIds)', { feedbackIds })
      .orderBy('event.id', 'ASC')
      .getRawMany();
    return rows.map((row) => ({
      feedbackId: Number(row.feedbackId),
      occurredAt: dateFromDatabase(row.occurredAt),
      after: JSON.parse(row.after) as JsonObject,
    }));
  }
}
