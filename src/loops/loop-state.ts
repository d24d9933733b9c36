import { Inject, Injectable } from '@nestjs/common';
import { Brackets, In, SelectQueryBuilder } from 'typeorm';
import { Clock } from '../common/clock';
import { DAY_MS, daysBefore } from '../common/time';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { LoopStage } from '../feedback/feedback.enums';

/** The loop state columns of a request: its stage and its closure. */
export type LoopState = Partial<
  Pick<
    FeedbackItem,
    | 'stage'
    | 'stageEnteredAt'
    | 'completedInReleaseId'
    | 'resolution'
    | 'resolutionNote'
    | 'closedAt'
    | 'closedById'
    | 'verdict'
    | 'verdictNote'
    | 'verifiedAt'
    | 'mergedIntoId'
  >
>;

/**
 * The one owner of a loop's state. A request's row (feedback_item, which the
 * feedback part owns) carries its loop's state beside it so that lists can
 * filter and order by stage; those columns (stage, completion, closure,
 * verdict, merge, last event and stall report) are written here and nowhere
 * else: by the projector, the closure rules and the stall watch. Here too is
 * the one definition of a stalled loop: open, with no event for the
 * configured number of days (STALL_DAYS), or for the days a filter asks.
 */
@Injectable()
export class LoopStateStore {
  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Writes loop state columns of the request, in the write this runs in. */
  async save(item: FeedbackItem, state: LoopState): Promise<void> {
    Object.assign(item, state, { updatedAt: this.clock.now(), version: item.version + 1 });
    await this.tx.manager.update(FeedbackItem, { id: item.id }, { ...state, updatedAt: item.updatedAt, version: item.version });
  }

  /** Writes the same loop state columns to each of these requests, in one statement: what a change that moves many loops alike writes. */
  async saveAll(items: readonly FeedbackItem[], state: LoopState): Promise<void> {
    if (!items.length) return;
    const updatedAt = this.clock.now();
    items.forEach((item) => Object.assign(item, state, { updatedAt, version: item.version + 1 }));
    await this.tx.manager
      .createQueryBuilder()
      .update(FeedbackItem)
      .set({ ...state, updatedAt, version: () => 'version + 1' })
      .whereInIds(items.map((item) => item.id))
      .execute();
  }

  /**
   * Locks these loops until the write ends, where the engine has row locks
   * (PostgreSQL): their requests' rows, as a write that changes a request
   * locks it. Resolves to how many it locked now.
   */
  lock(ids: readonly number[]): Promise<number> {
    return this.tx.lockRows(FeedbackItem, ids);
  }

  /** Records that something happened to these loops: the stall watch counts from it. */
  async touch(ids: readonly number[], at: Date): Promise<void> {
    if (ids.length) await this.tx.manager.update(FeedbackItem, { id: In([...ids]) }, { lastEventAt: at });
  }

  /** When an open loop became stalled, or null if it is moving (or closed). */
  stalledSince(item: Pick<FeedbackItem, 'stage' | 'lastEventAt'>, now = this.clock.now()): Date | null {
    if (item.stage === LoopStage.CLOSED) return null;
    const since = new Date(item.lastEventAt.getTime() + this.config.stalls.days * DAY_MS);
    return since <= now ? since : null;
  }

  /** Narrows a query of requests (as `feedback`) to open loops with no event for at least `days` days (STALL_DAYS by default). */
  whereStalled<T extends SelectQueryBuilder<FeedbackItem>>(query: T, days = this.config.stalls.days, now = this.clock.now()): T {
    query
      .andWhere('feedback.stage <> :stallOpen', { stallOpen: LoopStage.CLOSED })
      .andWhere('feedback.lastEventAt <= :stallCutoff', { stallCutoff: daysBefore(now, days) });
    return query;
  }

  /**
   * Stalled loops whose current stall has not been reported yet (never
   * reported, or reported before their last event). In a write on
   * PostgreSQL they are locked as they are read, skipping those another
   * write holds: the sweeps of several instances report each stall once.
   */
  async newlyStalled(limit: number): Promise<FeedbackItem[]> {
    const query = this.tx.manager.createQueryBuilder(FeedbackItem, 'feedback');
    this.whereStalled(query)
      .andWhere(new Brackets((q) => q.where('feedback.stallReportedAt IS NULL').orWhere('feedback.stallReportedAt < feedback.lastEventAt')))
      .orderBy('feedback.id')
      .limit(limit);
    if (this.tx.inWrite && this.tx.locking) query.setLock('for_no_key_update').setOnLocked('skip_locked');
    const stalled = await query.getMany();
    if (this.tx.inWrite) this.tx.holdsRows(FeedbackItem, stalled.map((item) => item.id));
    return stalled;
  }

  async markStallReported(ids: readonly number[], at: Date): Promise<void> {
    if (ids.length) await this.tx.manager.update(FeedbackItem, { id: In([...ids]) }, { stallReportedAt: at });
  }
}
