import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Blueprint } from '../../blueprints/blueprint.entity';
import { Clock } from '../../common/clock';
import { idFromKey } from '../../common/keys';
import { DAY_MS } from '../../common/time';
import { CONFIG, LooptraceConfig } from '../../config/config';
import { FeedbackItem } from '../../feedback/feedback-item.entity';
import { LOOP_STAGES, LoopStage, Resolution } from '../../feedback/feedback.enums';
import { Release } from '../../releases/release.entity';
import { ReleasesService } from '../../releases/releases.service';
import { Theme, THEME_KEY_PREFIX } from '../../themes/theme.entity';
import { ThemesService } from '../../themes/themes.service';
import { LoopFilter } from '../dto/loop.inputs';
import { LoopStageStay } from '../loop-stage-stay.entity';
import { BlueprintsService } from '../../blueprints/blueprints.service';
import { IdScope } from '../../common/scopes';
import { OutcomesService } from '../../outcomes/outcomes.service';
import { LoopStateStore } from '../loop-state';
import { dayOf, dayStart, originSlice, percentileOf, projectSlice, releaseSlice, SLICE_ALL, TallyMetric, themeSlice } from './health-tally';
import { HealthTallyService } from './health-tally.service';
import { LoopsService } from '../loops.service';
import { AgeBucket, DurationSummary, LoopHealth, ReleaseClosure, StageDuration } from './loop-health.model';
import { cheaperRead, exactSummary } from './exact-durations';

const SAMPLE_SIZE = 20;

const AGE_BUCKETS: Array<{ label: string; minDays: number; maxDays: number | null }> = [
  { label: 'under 7 days', minDays: 0, maxDays: 7 },
  { label: '7–30 days', minDays: 7, maxDays: 30 },
  { label: '30–90 days', minDays: 30, maxDays: 90 },
  { label: '90 days or more', minDays: 90, maxDays: null },
];

/** Up to this many durations, a median or 90th percentile is read from the stays themselves, exactly. */
const EXACT_SAMPLES = 1_000;

/** The figures of a report that are about the loops themselves. */
type LoopFigures = Pick<LoopHealth, 'funnel' | 'timeInStage' | 'requestToClosure' | 'stalled' | 'untriagedByAge' | 'closureByRelease'>;

/** The slice a filter selects, as a subquery of loop ids (the column `id`) to embed in other queries. */
interface Slice {
  sql: string;
  parameters: Record<string, unknown>;
}

/**
 * The health figures of DOMAIN.md, computed with aggregate queries over the
 * loops a filter selects (the same filter as the loop lists): counting,
 * grouping and ordering happen in the database, whatever the number of loops.
 */
@Injectable()
export class LoopHealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly loops: LoopsService,
    private readonly loopState: LoopStateStore,
    private readonly tally: HealthTallyService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly outcomes: OutcomesService,
    private readonly releases: ReleasesService,
    private readonly clock: Clock,
  ) {}

  /**
   * The report of the loops the filter selects. For all loops, or a slice by
   * one origin, project, theme or release, the loops' figures are read from
   * the health tally (health-tally.ts) and the few loops at its edges;
   * otherwise they are aggregated from the loops themselves.
   */
  async health(filter: LoopFilter | null | undefined): Promise<LoopHealth> {
    const query = (await this.loops.filtered(filter)).select('feedback.id', 'id');
    const slice: Slice = { sql: query.getQuery(), parameters: query.getParameters() };
    const now = this.clock.now();
    const tallied = await this.talliedSlice(filter);
    const loops = tallied ? await this.fromTally(tallied, filter, slice, now) : await this.fromLoops(slice, now);
    const themeIds = await this.themeScope(filter);
    const [blueprintsWithoutRequest, blueprintsWithoutRequestSample] = await this.blueprintsWithoutRequest(filter, themeIds);
    const [themesWithoutBlueprint, themesWithoutBlueprintSample] = await this.themesWithoutBlueprint(themeIds);
    return {
      ...loops,
      total: loops.funnel.reduce((sum, stage) => sum + stage.count, 0),
      stalledDays: this.config.stalls.days,
      blueprintsWithoutRequest,
      blueprintsWithoutRequestSample,
      themesWithoutBlueprint,
      themesWithoutBlueprintSample,
    };
  }

  private async fromLoops(slice: Slice, now: Date): Promise<LoopFigures> {
    return {
      funnel: await this.funnel(slice),
      timeInStage: await Promise.all(LOOP_STAGES.map((stage) => this.timeIn(slice, stage))),
      requestToClosure: await this.requestToClosure(slice),
      stalled: await this.stalled(slice, now),
      untriagedByAge: await this.untriagedByAge(slice, now),
      closureByRelease: await this.closureByRelease(slice),
    };
  }

  /** The tally's slice for the filter, or null when it selects loops some other way (by stage, tag, submitter, stall, or several at once). */
  private async talliedSlice(filter: LoopFilter | null | undefined): Promise<string | null> {
    if (!filter) return SLICE_ALL;
    if (filter.stage || filter.tag || filter.submitterEmail || (filter.stalledForDays !== undefined && filter.stalledForDays !== null)) return null;
    // As the loop filter reads them: an empty value selects nothing by itself.
    const given = [filter.origin, filter.project, filter.themeKey, filter.release].filter(Boolean);
    if (given.length === 0) return SLICE_ALL;
    if (given.length > 1) return null;
    if (filter.origin) return originSlice(filter.origin);
    if (filter.project) return projectSlice(filter.project);
    if (filter.themeKey) return themeSlice((await this.themes.byKey(filter.themeKey, 'filter.themeKey')).id);
    return releaseSlice((await this.releases.byName(filter.release!, 'filter.release')).id);
  }

  /**
   * The loops' figures from the slice's counters. Counts are exact. A
   * duration's median and 90th percentile are exact up to EXACT_SAMPLES
   * samples (the durations themselves, all read at once), and beyond that
   * read from buckets 5 % wide, within 2.5 %. Stalls and ages are counted by
   * the day; the loops of the one day where a cut-off falls are counted
   * exactly.
   */
  private async fromTally(tallied: string, filter: LoopFilter | null | undefined, slice: Slice, now: Date): Promise<LoopFigures> {
    const counters = await this.tally.counters(tallied);
    const metric = (name: string) => counters.get(name) ?? new Map<number, number>();
    const sum = (buckets: Map<number, number>, keep: (bucket: number) => boolean = () => true) =>
      [...buckets.entries()].reduce((total, [bucket, count]) => total + (keep(bucket) ? count : 0), 0);
    const stages = metric(TallyMetric.STAGE);
    const funnel = LOOP_STAGES.map((stage, index) => ({ stage, count: stages.get(index) ?? 0 }));
    const exact = await this.exactDurations(tallied, slice, (name) => sum(metric(name)));
    const summary = (buckets: Map<number, number>, durations: readonly number[] = []): DurationSummary => {
      const samples = sum(buckets);
      if (samples <= EXACT_SAMPLES) return exactSummary(durations);
      return { samples, medianSeconds: percentileOf(buckets, 0.5), p90Seconds: percentileOf(buckets, 0.9) };
    };
    /**
     * Loops of the slice counted by day in `buckets`, from the start up to the
     * moment: whole days from the counters, the loops of the last day one by
     * one, found by the day's index and kept if their shares are in the slice.
     */
    const counted = new Map<string, Promise<number>>();
    const upTo = (buckets: Map<number, number>, column: 'lastEventAt' | 'createdAt', kept: (stage: LoopStage) => boolean, moment: Date) => {
      const key = `${column} ${moment.getTime()}`;
      if (!counted.has(key)) counted.set(key, this.dayUpTo(tallied, column, kept, moment).then((edge) => sum(buckets, (bucket) => bucket < dayOf(moment)) + edge));
      return counted.get(key)!;
    };
    const open = (stage: LoopStage) => stage !== LoopStage.CLOSED;
    const requested = (stage: LoopStage) => stage === LoopStage.REQUESTED;
    const untriaged = metric(TallyMetric.UNTRIAGED);
    const requestedBy = (moment: Date) => upTo(untriaged, 'createdAt', requested, moment);
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    return {
      funnel,
      timeInStage: LOOP_STAGES.map((stage) => ({ stage, ...summary(metric(TallyMetric.STAY + stage), exact.stays.get(stage)) })),
      requestToClosure: summary(metric(TallyMetric.CLOSURE), exact.closures),
      stalled: await upTo(metric(TallyMetric.IDLE), 'lastEventAt', open, daysAgo(this.config.stalls.days)),
      untriagedByAge: await Promise.all(
        AGE_BUCKETS.map(async (bucket) => ({
          ...bucket,
          count: (await requestedBy(daysAgo(bucket.minDays))) - (bucket.maxDays === null ? 0 : await requestedBy(daysAgo(bucket.maxDays))),
        })),
      ),
      closureByRelease: await this.closures(metric(TallyMetric.TOUCHED), metric(TallyMetric.CLOSED)),
    };
  }

  /**
   * The durations of the figures read exactly (at most EXACT_SAMPLES samples;
   * a figure of none has nothing to read), each kind once for the whole
   * report, the way that goes through fewer rows (cheaperRead):
   * - through the slice: one statement from its loops to their stays, by the
   *   index on the stays' loop, which costs the slice's stays (a small slice);
   * - through the kinds: the stays of those stages by the index of stage and
   *   duration, the closed loops by the index of stage, each kept if its loop
   *   is in the slice, which costs those durations over all loops (a figure
   *   rare everywhere, such as the ended stays in CLOSED of reopened loops).
   * Each statement names its tables in the order to read them, joined by
   * CROSS JOIN, the one way to tell SQLite that order: left to choose, it read
   * a small slice's stays from every stay of their stage, testing each one
   * against the slice. PostgreSQL reads CROSS JOIN as a plain join.
   */
  private async exactDurations(tallied: string, slice: Slice, inSlice: (metric: string) => number): Promise<{ stays: Map<LoopStage, number[]>; closures: number[] }> {
    const readExactly = (metric: string) => inSlice(metric) > 0 && inSlice(metric) <= EXACT_SAMPLES;
    const stages = LOOP_STAGES.filter((stage) => readExactly(TallyMetric.STAY + stage));
    const closure = readExactly(TallyMetric.CLOSURE);
    const stays = new Map<LoopStage, number[]>(stages.map((stage) => [stage, []]));
    if (!stages.length && !closure) return { stays, closures: [] };
    const kinds = [...stages.map((stage) => TallyMetric.STAY + stage), ...(closure ? [TallyMetric.CLOSURE] : [])];
    const everywhere = tallied === SLICE_ALL ? new Map(kinds.map((kind) => [kind, inSlice(kind)])) : await this.tally.totals(SLICE_ALL, kinds);
    const read = cheaperRead(
      { loops: inSlice(TallyMetric.STAGE), endedStays: LOOP_STAGES.reduce((total, stage) => total + inSlice(TallyMetric.STAY + stage), 0) },
      {
        endedStays: stages.reduce((total, stage) => total + (everywhere.get(TallyMetric.STAY + stage) ?? 0), 0),
        closedLoops: closure ? (everywhere.get(TallyMetric.CLOSURE) ?? 0) : 0,
      },
    );
    const parameters = { ...slice.parameters, exactStages: [...stages], closedStage: LoopStage.CLOSED, duplicate: Resolution.DUPLICATE };
    const closedLoop = 'looped.stage = :closedStage AND looped.resolution <> :duplicate';
    const closures = new Map<number, number>();
    const addToClosure = (loopId: number, seconds: number) => closures.set(loopId, (closures.get(loopId) ?? 0) + seconds);
    if (read === 'slice') {
      const wanted = [...(stages.length ? ['stay.stage IN (:...exactStages)'] : []), ...(closure ? [`(${closedLoop})`] : [])];
      const rows = await this.rawQuery<{ loopId: number | string; stage: LoopStage; seconds: number | string; closed: number | string }>(
        `SELECT stay.feedback_id AS "loopId", stay.stage AS stage, stay.seconds AS seconds, CASE WHEN ${closedLoop} THEN 1 ELSE 0 END AS closed
         FROM (${slice.sql}) sliced CROSS JOIN feedback_item looped CROSS JOIN loop_stage_stay stay
         WHERE looped.id = sliced.id AND stay.feedback_id = looped.id AND stay.seconds IS NOT NULL AND (${wanted.join(' OR ')})`,
        parameters,
      );
      for (const row of rows) {
        stays.get(row.stage)?.push(Number(row.seconds));
        if (closure && Number(row.closed) === 1) addToClosure(Number(row.loopId), Number(row.seconds));
      }
      return { stays, closures: [...closures.values()] };
    }
    if (stages.length) {
      const rows = await this.rawQuery<{ stage: LoopStage; seconds: number | string }>(
        `SELECT stay.stage AS stage, stay.seconds AS seconds
         FROM loop_stage_stay stay CROSS JOIN (${slice.sql}) sliced
         WHERE stay.stage IN (:...exactStages) AND stay.seconds IS NOT NULL AND sliced.id = stay.feedback_id`,
        parameters,
      );
      for (const row of rows) stays.get(row.stage)!.push(Number(row.seconds));
    }
    if (closure) {
      const rows = await this.rawQuery<{ loopId: number | string; seconds: number | string }>(
        `SELECT stay.feedback_id AS "loopId", stay.seconds AS seconds
         FROM feedback_item looped CROSS JOIN (${slice.sql}) sliced CROSS JOIN loop_stage_stay stay
         WHERE ${closedLoop} AND sliced.id = looped.id AND stay.feedback_id = looped.id AND stay.seconds IS NOT NULL`,
        parameters,
      );
      for (const row of rows) addToClosure(Number(row.loopId), Number(row.seconds));
    }
    return { stays, closures: [...closures.values()] };
  }

  /** A statement written out, with named parameters as the query builder takes them. */
  private rawQuery<T>(sql: string, parameters: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters);
    return this.dataSource.query(query, values);
  }

  /** The loops of the slice whose time falls on the moment's day, up to the moment: a day's loops, by the column's index. */
  private async dayUpTo(slice: string, column: 'lastEventAt' | 'createdAt', kept: (stage: LoopStage) => boolean, moment: Date): Promise<number> {
    const rows = await this.dataSource
      .createQueryBuilder(FeedbackItem, 'day')
      .select('day.id', 'id')
      .addSelect('day.stage', 'stage')
      .where(`day.${column} >= :dayStart AND day.${column} <= :moment`, { dayStart: dayStart(dayOf(moment)), moment })
      .getRawMany<{ id: number | string; stage: LoopStage }>();
    const ids = rows.filter((row) => kept(row.stage)).map((row) => Number(row.id));
    return slice === SLICE_ALL ? ids.length : this.tally.countInSlice(ids, slice);
  }

  private items(slice: Slice): SelectQueryBuilder<FeedbackItem> {
    return this.dataSource
      .createQueryBuilder(FeedbackItem, 'feedback')
      .where(`feedback.id IN (${slice.sql})`, slice.parameters);
  }

  private async funnel(slice: Slice) {
    const rows = await this.items(slice)
      .select('feedback.stage', 'stage')
      .addSelect('COUNT(*)', 'count')
      .groupBy('feedback.stage')
      .getRawMany<{ stage: LoopStage; count: string | number }>();
    const counts = new Map(rows.map((row) => [row.stage, Number(row.count)]));
    return LOOP_STAGES.map((stage) => ({ stage, count: counts.get(stage) ?? 0 }));
  }

  /**
   * Median and 90th percentile by nearest rank: the database sorts, counts and
   * returns the one value at each rank, so no list of durations is loaded.
   */
  private async summary(values: () => SelectQueryBuilder<object>, column: string): Promise<DurationSummary> {
    const counted = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from(`(${values().getQuery()})`, 'durations')
      .setParameters(values().getParameters())
      .getRawOne<{ count: string | number }>();
    const samples = Number(counted?.count ?? 0);
    if (samples === 0) return { samples, medianSeconds: null, p90Seconds: null };
    const at = async (percentile: number) => {
      const row = await values()
        .orderBy(column, 'ASC')
        .offset(Math.ceil(percentile * samples) - 1)
        .limit(1)
        .getRawOne<Record<string, string | number>>();
      return Number(Object.values(row ?? {})[0]);
    };
    return { samples, medianSeconds: await at(0.5), p90Seconds: await at(0.9) };
  }

  private timeIn(slice: Slice, stage: LoopStage): Promise<StageDuration> {
    const values = () =>
      this.dataSource
        .createQueryBuilder(LoopStageStay, 'stay')
        .select('stay.seconds', 'seconds')
        .where(`stay.feedbackId IN (${slice.sql})`, slice.parameters)
        .andWhere('stay.stage = :stage', { stage })
        .andWhere('stay.seconds IS NOT NULL');
    return this.summary(values, 'seconds').then((summary) => ({ stage, ...summary }));
  }

  /** A closed loop took the time of every stay before its current closure, reopenings included. */
  private requestToClosure(slice: Slice): Promise<DurationSummary> {
    const closed = this.items(slice)
      .select('feedback.id')
      .andWhere('feedback.stage = :closed', { closed: LoopStage.CLOSED })
      .andWhere('feedback.resolution <> :duplicate', { duplicate: Resolution.DUPLICATE });
    const values = () =>
      this.dataSource
        .createQueryBuilder(LoopStageStay, 'stay')
        .select('SUM(stay.seconds)', 'total')
        .where(`stay.feedbackId IN (${closed.getQuery()})`, closed.getParameters())
        .andWhere('stay.seconds IS NOT NULL')
        .groupBy('stay.feedbackId');
    return this.summary(values, 'total');
  }

  private stalled(slice: Slice, now: Date): Promise<number> {
    return this.loopState.whereStalled(this.items(slice), this.config.stalls.days, now).getCount();
  }

  private untriagedByAge(slice: Slice, now: Date): Promise<AgeBucket[]> {
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    return Promise.all(
      AGE_BUCKETS.map(async (bucket) => {
        const query = this.items(slice)
          .andWhere('feedback.stage = :requested', { requested: LoopStage.REQUESTED })
          .andWhere('feedback.createdAt <= :youngest', { youngest: daysAgo(bucket.minDays) });
        if (bucket.maxDays !== null) query.andWhere('feedback.createdAt > :oldest', { oldest: daysAgo(bucket.maxDays) });
        return { ...bucket, count: await query.getCount() };
      }),
    );
  }

  /** The themes in the slice: a theme filter narrows to the theme and those under it. */
  private async themeScope(filter: LoopFilter | null | undefined): Promise<number[] | null> {
    if (!filter?.themeKey) return null;
    const root = idFromKey(THEME_KEY_PREFIX, filter.themeKey, 'filter.themeKey');
    return (await this.themes.subtrees([root])).get(root) ?? [root];
  }

  private async blueprintsWithoutRequest(filter: LoopFilter | null | undefined, themeIds: number[] | null): Promise<[number, Blueprint[]]> {
    const within: IdScope[][] = [];
    if (themeIds) within.push([this.blueprints.linkedToThemes(themeIds)]);
    if (filter?.release) {
      const release = await this.releases.byName(filter.release, 'filter.release');
      within.push([this.blueprints.targeting(release.id), this.outcomes.blueprintsWithOutcomeIn(release.id)]);
    }
    const query = this.blueprints.inPlay({ project: filter?.project, outside: [this.loops.answering()], within });
    const count = await query.getCount();
    const sample = await query.orderBy('blueprint.project').addOrderBy('blueprint.name').limit(SAMPLE_SIZE).getMany();
    return [count, sample];
  }

  /** A theme has a blueprint when one is linked to it or to any theme under it. */
  private async themesWithoutBlueprint(themeIds: number[] | null): Promise<[number, Theme[]]> {
    const covered = await this.themes.withAncestors(await this.blueprints.themesWithBlueprints());
    const query = this.themes.unarchived({ excluding: covered, within: themeIds });
    const count = await query.getCount();
    const sample = await query.orderBy('theme.id').limit(SAMPLE_SIZE).getMany();
    return [count, sample];
  }

  /** A release touched the loops one of whose blueprints has an outcome in it or targets it, and closed those it completed. */
  /** Closure per release, in release order, from the loops each release touched and closed. */
  private async closures(touched: Map<number, number>, closed: Map<number, number>): Promise<ReleaseClosure[]> {
    const counts = new Map<number, { touched: number; closed: number }>();
    for (const [releaseId, count] of touched) counts.set(releaseId, { touched: count, closed: 0 });
    for (const [releaseId, count] of closed) {
      const entry = counts.get(releaseId) ?? { touched: 0, closed: 0 };
      entry.closed = count;
      entry.touched = Math.max(entry.touched, entry.closed);
      counts.set(releaseId, entry);
    }
    const releases: Release[] = await this.releases.byIds([...counts.keys()]);
    return releases
      .sort((a, b) => a.sequence - b.sequence)
      .map((release) => {
        const { touched: touchedCount, closed: closedCount } = counts.get(release.id)!;
        return { release, touched: touchedCount, closed: closedCount, rate: touchedCount ? closedCount / touchedCount : 0 };
      });
  }

  private async closureByRelease(slice: Slice): Promise<ReleaseClosure[]> {
    const [outcomePairs, targetPairs] = [this.outcomes.outcomePairs(), this.blueprints.targetPairs()];
    const touched = await this.dataSource
      .createQueryBuilder()
      .select('touching.release_id', 'releaseId')
      .addSelect('COUNT(DISTINCT lb.feedback_id)', 'count')
      .from('loop_blueprint', 'lb')
      .innerJoin(`(${outcomePairs.getQuery()} UNION ${targetPairs.getQuery()})`, 'touching', 'touching.blueprint_id = lb.blueprint_id')
      .where(`lb.feedback_id IN (${slice.sql})`, { ...slice.parameters, ...outcomePairs.getParameters(), ...targetPairs.getParameters() })
      .groupBy('touching.release_id')
      .getRawMany<{ releaseId: number; count: string | number }>();
    const closed = await this.items(slice)
      .select('feedback.completedInReleaseId', 'releaseId')
      .addSelect('COUNT(*)', 'count')
      .andWhere('feedback.completedInReleaseId IS NOT NULL')
      .andWhere('(feedback.stage = :released OR feedback.resolution = :delivered)', { released: LoopStage.RELEASED, delivered: Resolution.DELIVERED })
      .groupBy('feedback.completedInReleaseId')
      .getRawMany<{ releaseId: number; count: string | number }>();
    return this.closures(
      new Map(touched.map((row) => [Number(row.releaseId), Number(row.count)])),
      new Map(closed.map((row) => [Number(row.releaseId), Number(row.count)])),
    );
  }
}
