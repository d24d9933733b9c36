import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import { Clock } from '../common/clock';
import { idFromKey } from '../common/keys';
import { groupsOf } from '../common/loaders';
import { afterCursor, Connection, connectionOf, PageArgs, pageSize, paginate, SortKey } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { EventFilter } from './dto/event.inputs';
import { EventReader, hiddenRecordTypes } from './event-visibility';
import { LiveEvents } from './live-events';
import { JsonObject, LoopEvent, LoopEventLoop, LoopEventRecord } from './loop-event.entity';

/** Records whose loops an event may have moved; the stage projector finds those loops. */
export interface Touches {
  feedback?: number[];
  themes?: number[];
  blueprints?: number[];
  /** Releases whose place in the sequence changed: it decides which delivery completed a loop. */
  releases?: number[];
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
  /** Other records the event concerns (the other end of a link): it is found by their keys too. */
  otherRecordKeys?: string[];
  touches?: Touches;
  /** Set by the stage projector on the events it derives, so that it does not derive from them again. */
  derived?: boolean;
  /** False for events that report on a loop without moving it (a stall): they do not count as activity. */
  activity?: boolean;
}

export type EventHandler = (em: EntityManager, event: LoopEvent, draft: EventDraft) => Promise<void>;

/** When a handler runs: the stage projector first, so that later handlers see the loops an event concerns. */
export enum HandlerOrder {
  PROJECTION = 0,
  DELIVERY = 10,
}

const INSERT_CHUNK = 400;

/**
 * The append-only history. Every write of every feature records its event(s)
 * here, inside its transaction; the handlers registered with onRecorded (the
 * stage projector, the inbox, the webhook outbox) run inside that same
 * transaction, and live subscribers hear of the event once it has committed.
 */
@Injectable()
export class HistoryService {
  private readonly handlers: Array<{ handler: EventHandler; order: HandlerOrder }> = [];

  constructor(
    @InjectRepository(LoopEvent) private readonly events: Repository<LoopEvent>,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly live: LiveEvents,
  ) {}

  onRecorded(handler: EventHandler, order: HandlerOrder = HandlerOrder.DELIVERY): void {
    this.handlers.push({ handler, order });
    this.handlers.sort((a, b) => a.order - b.order);
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
    event.loopIds = [];
    const recordKeys = [...new Set([draft.recordKey, ...(draft.otherRecordKeys ?? [])])];
    await em.insert(LoopEventRecord, recordKeys.map((recordKey) => ({ recordKey, eventId: event.id })));
    // Published in the order recorded: a cause before the events derived from it.
    this.tx.afterCommit(em, () => this.live.publish(event));
    for (const { handler } of this.handlers) await handler(em, event, draft);
    return event;
  }

  /** Files the event in the timeline of each of these loops. */
  async attachToLoops(em: EntityManager, event: LoopEvent, feedbackIds: number[]): Promise<void> {
    const fresh = [...new Set(feedbackIds)].filter((id) => !event.loopIds.includes(id));
    event.loopIds.push(...fresh);
    const rows = fresh.map((feedbackId) => ({ feedbackId, eventId: event.id }));
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await em.insert(LoopEventLoop, rows.slice(start, start + INSERT_CHUNK));
    }
  }

  /** The audit log: every event this reader may see, newest first, narrowed by the filter. */
  list(filter: EventFilter | null | undefined, page: PageArgs, reader: EventReader): Promise<Connection<LoopEvent>> {
    const query = this.events.createQueryBuilder('event');
    const hidden = hiddenRecordTypes(reader);
    if (hidden.length) query.andWhere('event.recordType NOT IN (:...hidden)', { hidden });
    if (filter?.recordKey) {
      query.andWhere('event.id IN (SELECT r.event_id FROM loop_event_record r WHERE r.record_key = :recordKey)', {
        recordKey: filter.recordKey.trim(),
      });
    }
    if (filter?.loopKey) {
      query.andWhere('event.id IN (SELECT l.event_id FROM loop_event_loop l WHERE l.feedback_id = :feedbackId)', {
        feedbackId: idFromKey('FB-', filter.loopKey, 'filter.loopKey'),
      });
    }
    if (filter?.actorEmail) {
      query.andWhere('event.actorId IN (SELECT a.id FROM actor a WHERE a.email = :email)', { email: filter.actorEmail.trim().toLowerCase() });
    }
    if (filter?.types?.length) query.andWhere('event.type IN (:...types)', { types: filter.types });
    if (filter?.since) query.andWhere('event.occurredAt >= :since', { since: filter.since });
    if (filter?.until) query.andWhere('event.occurredAt < :until', { until: filter.until });
    return paginate(query, page, [{ path: 'event.id', direction: 'DESC', value: (event) => event.id }]);
  }

  byIds(eventIds: readonly number[]): Promise<LoopEvent[]> {
    return eventIds.length ? this.events.findBy({ id: In([...eventIds]) }) : Promise.resolve([]);
  }

  /** The other records each event concerns, by event id. */
  async recordKeysOf(eventIds: readonly number[]): Promise<LoopEventRecord[]> {
    return eventIds.length ? this.events.manager.findBy(LoopEventRecord, { eventId: In([...eventIds]) }) : [];
  }

  /** The loops each event concerns. */
  async loopsOf(eventIds: readonly number[]): Promise<LoopEventLoop[]> {
    return eventIds.length ? this.events.manager.findBy(LoopEventLoop, { eventId: In([...eventIds]) }) : [];
  }

  /**
   * The same page of the timelines of these loops, oldest first, in the
   * order of the ids: one statement for the counts and one for the pages,
   * however many loops there are. Each event is ranked within its loop's
   * timeline after the cursor, and the page takes the first ranks (one more
   * tells whether there is a next page), so that the cursors are those of a
   * single timeline paged on its own.
   */
  async timelines(feedbackIds: readonly number[], page: PageArgs): Promise<Connection<LoopEvent>[]> {
    const ids = [...feedbackIds];
    const limit = pageSize(page.first);
    const totals = await this.events.manager
      .createQueryBuilder(LoopEventLoop, 'link')
      .select('link.feedbackId', 'loop_id')
      .addSelect('COUNT(*)', 'total')
      .where('link.feedbackId IN (:...ids)', { ids })
      .groupBy('link.feedbackId')
      .getRawMany<{ loop_id: number; total: number | string }>();
    const totalOf = new Map(totals.map((row) => [Number(row.loop_id), Number(row.total)]));
    const sort: SortKey<LoopEvent>[] = [{ path: 'link.eventId', direction: 'ASC', value: (event) => event.id }];
    const pages = this.events
      .createQueryBuilder('event')
      .innerJoin(
        (ranked) =>
          afterCursor(
            ranked
              .from(LoopEventLoop, 'link')
              .select('link.feedbackId', 'loop_id')
              .addSelect('link.eventId', 'event_id')
              .addSelect('ROW_NUMBER() OVER (PARTITION BY link.feedbackId ORDER BY link.eventId)', 'place')
              .where('link.feedbackId IN (:...ids)', { ids }),
            page.after,
            sort,
          ),
        'ranked',
        'ranked.event_id = event.id',
      )
      .where('ranked.place <= :rows', { rows: limit + 1 })
      .orderBy('event.id', 'ASC');
    const byLoop = limit === 0 ? new Map<number, LoopEvent[]>() : await this.eventsByLoop(pages, 'ranked.loop_id', ids);
    return ids.map((id) => connectionOf(byLoop.get(id) ?? [], limit, totalOf.get(id) ?? 0, sort));
  }

  /** The whole timelines of these loops, oldest first, by loop, in one statement. */
  wholeTimelines(feedbackIds: readonly number[]): Promise<Map<number, LoopEvent[]>> {
    const ids = [...feedbackIds];
    if (!ids.length) return Promise.resolve(new Map());
    const query = this.events
      .createQueryBuilder('event')
      .innerJoin(LoopEventLoop, 'link', 'link.eventId = event.id')
      .where('link.feedbackId IN (:...ids)', { ids })
      .orderBy('event.id', 'ASC');
    return this.eventsByLoop(query, 'link.feedbackId', ids);
  }

  /** The events of a query that joins them to the timelines that hold them (an event in several comes once for each), by loop. */
  private async eventsByLoop(query: SelectQueryBuilder<LoopEvent>, loopIdPath: string, feedbackIds: number[]): Promise<Map<number, LoopEvent[]>> {
    const { raw, entities } = await query.addSelect(loopIdPath, 'timeline_loop_id').getRawAndEntities<{ event_id: number; timeline_loop_id: number }>();
    const events = new Map(entities.map((event) => [event.id, event]));
    const rows = groupsOf(feedbackIds, raw, (row) => Number(row.timeline_loop_id));
    return new Map(feedbackIds.map((id) => [id, rows.get(id)!.map((row) => events.get(Number(row.event_id))!)]));
  }
}
