import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { In, Repository, SelectQueryBuilder } from 'typeorm';
import { eachChunk } from '../common/chunks';
import { Clock } from '../common/clock';
import { idFromKey } from '../common/keys';
import { groupsOf } from '../common/loaders';
import { afterCursor, Connection, connectionOf, countOnce, PageArgs, pageSize, paginate, SortKey } from '../common/pagination';
import { IdScope, isScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { EventFilter } from './dto/event.inputs';
import { checkedOrder, Consequence, ConsequenceHandlers, CONSEQUENCES } from './consequences';
import { EVENT_CATALOGUE, EventDraft, EventReader, hiddenEventTypes } from './event-catalogue';
import { LiveEvents } from './live-events';
import { LoopEvent, LoopEventLoop, LoopEventRecord } from './loop-event.entity';

/**
 * The append-only history. Every write of every part records its event(s)
 * here, inside its transaction; the consequences of an event (consequences.ts:
 * the projection, the inbox, the outbox, search, live filters) run inside
 * that same transaction, in their declared order, and live subscribers hear
 * of the event once it has committed.
 */
@Injectable()
export class HistoryService implements OnApplicationBootstrap {
  private readonly order = checkedOrder(CONSEQUENCES);
  private readonly handlers: Partial<ConsequenceHandlers> = {};

  constructor(
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly live: LiveEvents,
  ) {}

  private get events(): Repository<LoopEvent> {
    return this.tx.repository(LoopEvent);
  }

  /** Registers the handler of one consequence; each has exactly one. */
  onRecorded<C extends Consequence>(consequence: C, handler: ConsequenceHandlers[C]): void {
    if (this.handlers[consequence]) throw new Error(`The consequence ${consequence} has a handler already.`);
    this.handlers[consequence] = handler;
  }

  /** A consequence with no handler would silently not happen: the service does not start. */
  onApplicationBootstrap(): void {
    const missing = this.order.filter((consequence) => !this.handlers[consequence]);
    if (missing.length) throw new Error(`No handler is registered for the consequences ${missing.join(', ')} of recorded events.`);
  }

  async record(draft: EventDraft): Promise<LoopEvent> {
    const [event] = await this.recordAll([draft]);
    return event;
  }

  /**
   * Records events one after the other, as record does each, with fewer
   * statements: what a change that moves many loops records of them. Each
   * event is stored, then the records of all of them, then each consequence
   * runs for each event in turn, in the consequences' order.
   */
  async recordAll(drafts: readonly EventDraft[]): Promise<LoopEvent[]> {
    const recorded = [];
    for (const draft of drafts) {
      const kind = EVENT_CATALOGUE[draft.type];
      const event: LoopEvent = Object.assign(new LoopEvent(), {
        type: draft.type,
        recordType: kind.record,
        recordKey: draft.recordKey,
        actorId: draft.actorId,
        occurredAt: this.clock.now(),
        before: draft.before ?? null,
        after: draft.after ?? null,
        data: draft.data ?? null,
      });
      await this.events.save(event);
      recorded.push({ event, draft, kind, loops: [] as readonly number[] });
    }
    const recordKeys = recorded.flatMap(({ event, draft }) =>
      [...new Set([draft.recordKey, ...(draft.otherRecordKeys ?? [])])].map((recordKey) => ({ recordKey, eventId: event.id })),
    );
    await eachChunk(recordKeys, (rows) => this.tx.manager.insert(LoopEventRecord, rows));
    for (const entry of recorded) {
      // Registered now, so that events are published in the order recorded: a cause before the events derived from it.
      this.tx.afterCommit(() => this.live.publish({ event: entry.event, loops: entry.loops }));
    }
    for (const consequence of this.order) {
      for (const entry of recorded) {
        if (consequence === Consequence.PROJECTION) entry.loops = await this.handlers[Consequence.PROJECTION]!(entry);
        else await this.handlers[consequence]!({ ...entry, loops: entry.loops });
      }
    }
    return recorded.map(({ event }) => event);
  }

  /** Files the event in the timeline of each of these loops. */
  async attachToLoops(event: LoopEvent, feedbackIds: readonly number[]): Promise<void> {
    const rows = [...new Set(feedbackIds)].map((feedbackId) => ({ feedbackId, eventId: event.id }));
    await eachChunk(rows, (chunk) => this.tx.manager.insert(LoopEventLoop, chunk));
  }

  /**
   * The audit log: every event this reader may see, newest first, narrowed
   * by the filter; the filter's actor comes as a scope of the actors' own
   * (the history sits below them), which selects one actor at most.
   */
  list(filter: EventFilter | null | undefined, page: PageArgs, reader: EventReader, actor: IdScope | null): Promise<Connection<LoopEvent>> {
    const query = this.events.createQueryBuilder('event');
    const hidden = hiddenEventTypes(reader);
    if (hidden.length) query.andWhere('event.type NOT IN (:...hidden)', { hidden });
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
    if (actor) query.andWhere(...isScope('event.actorId', actor));
    if (filter?.types?.length) query.andWhere('event.type IN (:...types)', { types: filter.types });
    if (filter?.since) query.andWhere('event.occurredAt >= :since', { since: filter.since });
    if (filter?.until) query.andWhere('event.occurredAt < :until', { until: filter.until });
    return paginate(query, page, [{ path: 'event.id', direction: 'DESC', value: (event) => event.id }]);
  }

  /** Scope: the events of this type. */
  ofType(type: string): IdScope {
    return this.events.createQueryBuilder('ofType').select('ofType.id').where('ofType.type = :historyType', { historyType: type });
  }

  byIds(eventIds: readonly number[]): Promise<LoopEvent[]> {
    return eventIds.length ? this.events.findBy({ id: In([...eventIds]) }) : Promise.resolve([]);
  }

  /** The other records each event concerns, by event id. */
  async recordKeysOf(eventIds: readonly number[]): Promise<LoopEventRecord[]> {
    return eventIds.length ? this.tx.manager.findBy(LoopEventRecord, { eventId: In([...eventIds]) }) : [];
  }

  /** The loops each event concerns. */
  async loopsOf(eventIds: readonly number[]): Promise<LoopEventLoop[]> {
    return eventIds.length ? this.tx.manager.findBy(LoopEventLoop, { eventId: In([...eventIds]) }) : [];
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
    // The counts of every timeline of the batch, in one statement, made only when one of them is asked for.
    const totals = countOnce(async () => {
      const rows = await this.tx.manager
        .createQueryBuilder(LoopEventLoop, 'link')
        .select('link.feedbackId', 'loop_id')
        .addSelect('COUNT(*)', 'total')
        .where('link.feedbackId IN (:...ids)', { ids })
        .groupBy('link.feedbackId')
        .getRawMany<{ loop_id: number; total: number | string }>();
      return new Map(rows.map((row) => [Number(row.loop_id), Number(row.total)]));
    });
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
    return ids.map((id) => connectionOf(byLoop.get(id) ?? [], limit, async () => (await totals()).get(id) ?? 0, sort));
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
