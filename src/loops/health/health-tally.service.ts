import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { In } from 'typeorm';
import { BlueprintsService } from '../../blueprints/blueprints.service';
import { eachChunk } from '../../common/chunks';
import { TransactionRunner } from '../../common/transactions';
import { FeedbackService } from '../../feedback/feedback.service';
import { FeedbackListings, ListedRequest } from '../../feedback/feedback-listings';
import { Consequence, ProjectedEvent } from '../../history/consequences';
import { EventType, isEventOf } from '../../history/event-catalogue';
import { HistoryService } from '../../history/history.service';
import { THEME_KEY_PREFIX } from '../../themes/theme.entity';
import { ThemesService } from '../../themes/themes.service';
import { LoopFactsService } from '../loop-facts.service';
import { LoopLocks } from '../loop-locks';
import { LoopsService } from '../loops.service';
import { listingScopesOf } from '../loop-listing';
import { LoopHealthShare, LoopHealthTally } from './health-tally.entity';
import { counterOf, shareChange, shareOf, TallyFacts, TallyShare } from './health-tally';

/** How many counters one statement adds to. */
const COUNTERS_PER_STATEMENT = 100;

/**
 * Every write changes the counters of the slice of all loops, so on
 * PostgreSQL each counter is kept in up to this many rows (shards), and a
 * write adds to the shard no other write holds at the moment: writes do not
 * wait on each other for the counters. A counter is the sum of its shards.
 */
export const TALLY_SHARDS = 32;

/** A counter that does not hold what the shares of its slice add up to, or a loop whose stored share or listing is not what its facts give. */
export interface TallyMismatch {
  what: string;
  stored: number | string;
  derived: number | string;
}

/**
 * Keeps the health tally in step with the loops, in each write's
 * transaction: every loop an event concerns is counted again once, just
 * before the write commits (however many events of the write concern it),
 * and the counters of its slices change by the difference between its old
 * share and its new one. A loop can also change slices without an event of
 * its own: a blueprint that targets another release moves every loop it
 * answers, and a theme moved in the tree every loop linked under it.
 *
 * The same count keeps each loop's listings (FeedbackListing): the lists
 * filtered by project, theme, release, tag or named project that hold it,
 * with its order columns as they are when the write commits. They are its
 * slices by another name, read from the same facts at the same moment.
 */
@Injectable()
export class HealthTallyService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('HealthTally');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly history: HistoryService,
    private readonly facts: LoopFactsService,
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly loops: LoopsService,
    private readonly locks: LoopLocks,
    private readonly listings: FeedbackListings,
  ) {}

  onModuleInit(): void {
    this.history.onRecorded(Consequence.TALLY, (projected) => this.note(projected));
  }

  /** A database made before the tally, or by a tool that wrote loops without it, gets its shares at start-up. */
  async onApplicationBootstrap(): Promise<void> {
    const [loops, shares] = [await this.feedback.filtered(null).getCount(), await this.tx.manager.count(LoopHealthShare)];
    if (loops === shares) return;
    this.logger.log(`Counting ${loops} loops into the health tally`);
    await this.rebuild();
  }

  private async note({ event, loops }: ProjectedEvent): Promise<void> {
    const pending = this.tx.pending('health-tally', () => new Set<number>(), (ids) => this.recount([...ids]));
    loops.forEach((id) => pending.add(id));
    // What these loops are counted from is held (LoopLocks), with the record whose change moves them.
    if (isEventOf(event, EventType.BLUEPRINT_UPDATED) && event.after && 'targetRelease' in event.after) {
      const [project, name] = event.recordKey.split('/');
      const blueprint = await this.blueprints.findByName(project, name);
      if (blueprint) (await this.locks.holdToCount(() => this.loops.answeredIds([blueprint.id]), { blueprints: [blueprint.id] })).forEach((id) => pending.add(id));
    }
    // A theme moved in the tree gives the loops under it other themes above them, though their stages stay as they were.
    if (isEventOf(event, EventType.THEME_UPDATED) && event.after && 'parentKey' in event.after) {
      const themeId = Number(event.recordKey.slice(THEME_KEY_PREFIX.length));
      const under = async () => this.themes.feedbackLinkedTo((await this.themes.subtrees([themeId])).get(themeId) ?? [themeId]);
      (await this.locks.holdToCount(under, { themes: [themeId] })).forEach((id) => pending.add(id));
    }
  }

  /** Counts these loops again: their shares as their facts give them now, and the counters by the difference. */
  async recount(feedbackIds: readonly number[]): Promise<void> {
    const change = new Map<string, number>();
    await eachChunk(feedbackIds, async (chunk) => {
      const counted = await this.countedOf(chunk);
      const shares = new Map([...counted].map(([id, { share }]) => [id, share]));
      await this.listings.keep([...counted.values()].map(({ listed }) => listed));
      const stored = new Map(
        (await this.tx.manager.findBy(LoopHealthShare, { feedbackId: In(chunk) })).map((row) => [row.feedbackId, JSON.parse(row.share) as TallyShare]),
      );
      const changed: LoopHealthShare[] = [];
      for (const id of chunk) {
        const before = stored.get(id) ?? null;
        const after = shares.get(id) ?? null;
        if (JSON.stringify(before) === JSON.stringify(after)) continue;
        shareChange(before, after, change);
        if (after) changed.push({ feedbackId: id, share: JSON.stringify(after) });
      }
      if (changed.length) await this.tx.manager.upsert(LoopHealthShare, changed, ['feedbackId']);
    });
    await this.addToCounters(change);
  }

  /** Counts every loop from scratch. */
  rebuild(): Promise<void> {
    return this.tx.run(async () => {
      // Writes beside it on PostgreSQL count their loops again once it has committed, from the shares it stored (and it from theirs).
      if (this.tx.locking) await this.tx.manager.query('LOCK TABLE loop_health_share, loop_health_tally, feedback_listing IN SHARE ROW EXCLUSIVE MODE');
      await this.tx.manager.createQueryBuilder().delete().from(LoopHealthTally).execute();
      await this.tx.manager.createQueryBuilder().delete().from(LoopHealthShare).execute();
      await this.listings.clear();
      await this.recount(await this.loops.allIds());
    });
  }

  /** The counters of one slice, by metric, then bucket: each the sum of its shards. */
  async counters(slice: string): Promise<Map<string, Map<number, number>>> {
    const rows = await this.summed().where('tally.slice = :slice', { slice }).getRawMany<{ slice: string; metric: string; bucket: number | string; count: number | string }>();
    const byMetric = new Map<string, Map<number, number>>();
    for (const row of rows) {
      if (Number(row.count) === 0) continue;
      const buckets = byMetric.get(row.metric) ?? new Map<number, number>();
      buckets.set(Number(row.bucket), Number(row.count));
      byMetric.set(row.metric, buckets);
    }
    return byMetric;
  }

  /** How many each of these metrics counts in the slice, all its buckets together. */
  async totals(slice: string, metrics: readonly string[]): Promise<Map<string, number>> {
    if (metrics.length === 0) return new Map();
    const rows = await this.tx.manager
      .createQueryBuilder(LoopHealthTally, 'tally')
      .select('tally.metric', 'metric')
      .addSelect('SUM(tally.count)', 'count')
      .where('tally.slice = :slice', { slice })
      .andWhere('tally.metric IN (:...metrics)', { metrics: [...metrics] })
      .groupBy('tally.metric')
      .getRawMany<{ metric: string; count: number | string }>();
    return new Map(rows.map((row) => [row.metric, Number(row.count)]));
  }

  /** The counters, each the sum of its shards. */
  private summed() {
    return this.tx.manager
      .createQueryBuilder(LoopHealthTally, 'tally')
      .select('tally.slice', 'slice')
      .addSelect('tally.metric', 'metric')
      .addSelect('tally.bucket', 'bucket')
      .addSelect('SUM(tally.count)', 'count')
      .groupBy('tally.slice')
      .addGroupBy('tally.metric')
      .addGroupBy('tally.bucket');
  }

  /**
   * Recounts every loop from its facts and compares: each stored share with
   * the share its facts give, and each counter with what the stored shares
   * add up to. Empty means the tally holds.
   */
  async findMismatches(): Promise<TallyMismatch[]> {
    const mismatches: TallyMismatch[] = [];
    const expected = new Map<string, number>();
    await eachChunk(await this.loops.allIds(), async (chunk) => {
      const counted = await this.countedOf(chunk);
      const stored = new Map((await this.tx.manager.findBy(LoopHealthShare, { feedbackId: In(chunk) })).map((row) => [row.feedbackId, row.share]));
      for (const { feedbackId, stored: was, derived } of await this.listings.mismatches([...counted.values()].map(({ listed }) => listed))) {
        mismatches.push({ what: `listing of FB-${feedbackId}`, stored: was, derived });
      }
      for (const id of chunk) {
        const share = counted.get(id)!.share;
        if (stored.get(id) !== JSON.stringify(share)) mismatches.push({ what: `share of FB-${id}`, stored: stored.get(id) ?? 'none', derived: JSON.stringify(share) });
        shareChange(null, share, expected);
      }
    });
    const counted = new Map<string, number>();
    for (const row of await this.summed().getRawMany<{ slice: string; metric: string; bucket: number | string; count: number | string }>()) {
      if (Number(row.count) !== 0) counted.set(`${row.slice}|${row.metric}|${Number(row.bucket)}`, Number(row.count));
    }
    for (const key of new Set([...expected.keys(), ...counted.keys()])) {
      if ((expected.get(key) ?? 0) !== (counted.get(key) ?? 0)) mismatches.push({ what: `counter ${key}`, stored: counted.get(key) ?? 0, derived: expected.get(key) ?? 0 });
    }
    return mismatches;
  }

  /** How many of these loops belong to the slice, as their stored shares say: the tally's own view of its slices, read by id. */
  async countInSlice(feedbackIds: readonly number[], slice: string): Promise<number> {
    let count = 0;
    await eachChunk(feedbackIds, async (chunk) => {
      const rows = await this.tx.manager.findBy(LoopHealthShare, { feedbackId: In(chunk) });
      count += rows.filter((row) => (JSON.parse(row.share) as TallyShare).slices.includes(slice)).length;
    });
    return count;
  }

  /** The shares and the listings of these loops as their facts give them now; a loop that does not exist has none. */
  private async countedOf(feedbackIds: readonly number[]): Promise<Map<number, { share: TallyShare; listed: ListedRequest }>> {
    const records = await this.facts.load(feedbackIds);
    const ids = [...records.keys()];
    const named = await this.feedback.facetsOf(ids);
    const stays = await this.loops.stays(ids);
    const ancestry = await this.themes.ancestry([...new Set([...records.values()].flatMap((record) => record.themeLinks.map((link) => link.themeId)))]);
    const counted = new Map<number, { share: TallyShare; listed: ListedRequest }>();
    ids.forEach((id, index) => {
      const { item, themeLinks, routes } = records.get(id)!;
      const facts: TallyFacts = {
        stage: item.stage,
        origin: item.origin,
        createdAt: item.createdAt,
        lastEventAt: item.lastEventAt,
        resolution: item.resolution,
        completedInReleaseId: item.completedInReleaseId,
        projects: [...named[index].projects, ...routes.map((route) => route.blueprint.project)],
        themeIds: [...new Set(themeLinks.flatMap((link) => ancestry.get(link.themeId) ?? [link.themeId]))],
        touchedReleaseIds: routes.flatMap((route) => [
          ...(route.blueprint.targetReleaseId !== null ? [route.blueprint.targetReleaseId] : []),
          ...route.outcomes.map((outcome) => outcome.releaseId),
        ]),
        stays: stays.filter((stay) => stay.feedbackId === id),
      };
      counted.set(id, { share: shareOf(facts), listed: { item, scopes: listingScopesOf(facts, named[index]) } });
    });
    return counted;
  }

  /** Adds the changes to their counters, in the shard this write holds, many at a time; a counter's shard is made at its first count. */
  private async addToCounters(change: Map<string, number>): Promise<void> {
    if (change.size === 0) return;
    const shard = await this.tx.claim('health-tally-shard', TALLY_SHARDS);
    const rows = [...change.entries()].map(([key, delta]) => ({ ...counterOf(key), delta }));
    for (let start = 0; start < rows.length; start += COUNTERS_PER_STATEMENT) {
      const batch = rows.slice(start, start + COUNTERS_PER_STATEMENT);
      const postgres = this.tx.manager.connection.options.type === 'postgres';
      const placeholders = batch.map((_row, index) =>
        postgres ? `($${index * 5 + 1}, $${index * 5 + 2}, $${index * 5 + 3}, $${index * 5 + 4}, $${index * 5 + 5})` : '(?, ?, ?, ?, ?)',
      );
      await this.tx.manager.query(
        `INSERT INTO loop_health_tally (slice, metric, bucket, shard, count) VALUES ${placeholders.join(', ')}
         ON CONFLICT (slice, metric, bucket, shard) DO UPDATE SET count = loop_health_tally.count + excluded.count`,
        batch.flatMap((row) => [row.slice, row.metric, row.bucket, shard, row.delta]),
      );
    }
  }
}
