import { DAY_MS } from '../../common/time';
import { LOOP_STAGES, LoopStage, Resolution } from '../../feedback/feedback.enums';

/**
 * The health tally: what each loop contributes to the health figures of
 * every slice it belongs to, so that a report is read from a few hundred
 * counters instead of aggregated from every loop and stay. Pure functions
 * here; HealthTallyService keeps the counters in step, in each write's
 * transaction.
 *
 * A loop belongs to the slices the loop filter would put it in: all loops,
 * its origin, each project it names or a blueprint answering it belongs to,
 * each theme it is linked to and every theme above those, and each release
 * that completed it, or that a blueprint answering it targets or has an
 * outcome in.
 */

export const SLICE_ALL = 'all';
export const originSlice = (origin: string) => `origin:${origin}`;
export const projectSlice = (project: string) => `project:${project.toLowerCase()}`;
export const themeSlice = (themeId: number) => `theme:${themeId}`;
export const releaseSlice = (releaseId: number) => `release:${releaseId}`;

/** The counters a loop adds to, each by a bucket. */
export enum TallyMetric {
  /** By the index of its stage: the funnel. */
  STAGE = 'stage',
  /** Per stage (STAY + stage), each stay that has ended, by its duration's bucket. */
  STAY = 'stay.',
  /** A closed loop (not a merged duplicate), by the bucket of the time of its ended stays. */
  CLOSURE = 'closure',
  /** An open loop, by the day (since 1970, UTC) of its last event: stalls are counted from it. */
  IDLE = 'idle',
  /** An untriaged loop, by the day it was requested. */
  UNTRIAGED = 'untriaged',
  /** By each release it touches: a blueprint answering it targets the release or has an outcome in it. */
  TOUCHED = 'touched',
  /** By the release that completed it, if it is released or closed as delivered. */
  CLOSED = 'closed',
}

/** What is known of a loop for the tally. */
export interface TallyFacts {
  stage: LoopStage;
  origin: string;
  createdAt: Date;
  lastEventAt: Date;
  resolution: Resolution | null;
  completedInReleaseId: number | null;
  /** The projects it names and those of the blueprints that answer it. */
  projects: string[];
  /** The themes it is linked to, and every theme above them. */
  themeIds: number[];
  /** The releases a blueprint answering it targets or has an outcome in. */
  touchedReleaseIds: number[];
  /** Its stays, in any order; those still open have no seconds. */
  stays: Array<{ stage: LoopStage; seconds: number | null }>;
}

/** A loop's contribution: the slices it belongs to, and what it adds to each of them (the same in every slice). */
export interface TallyShare {
  slices: string[];
  /** Counts by `metric|bucket`. */
  counts: Record<string, number>;
}

/** Durations go into buckets 5 % wide, so that a percentile read from them is within 2.5 % of the exact one. */
const RATIO = 1.05;

export function durationBucket(seconds: number): number {
  return seconds <= 0 ? 0 : 1 + Math.floor(Math.log(seconds) / Math.log(RATIO));
}

/** The duration a bucket stands for: the geometric middle of its bounds. */
export function bucketDuration(bucket: number): number {
  return bucket === 0 ? 0 : Math.round(Math.pow(RATIO, bucket - 0.5));
}

export const dayOf = (moment: Date) => Math.floor(moment.getTime() / DAY_MS);
export const dayStart = (day: number) => new Date(day * DAY_MS);

export const countKey = (metric: string, bucket: number) => `${metric}|${bucket}`;

export function shareOf(facts: TallyFacts): TallyShare {
  const counts: Record<string, number> = {};
  const add = (metric: string, bucket: number) => (counts[countKey(metric, bucket)] = (counts[countKey(metric, bucket)] ?? 0) + 1);
  add(TallyMetric.STAGE, LOOP_STAGES.indexOf(facts.stage));
  const ended = facts.stays.filter((stay): stay is { stage: LoopStage; seconds: number } => stay.seconds !== null);
  ended.forEach((stay) => add(TallyMetric.STAY + stay.stage, durationBucket(stay.seconds)));
  if (facts.stage === LoopStage.CLOSED && facts.resolution !== Resolution.DUPLICATE) {
    add(TallyMetric.CLOSURE, durationBucket(ended.reduce((sum, stay) => sum + stay.seconds, 0)));
  }
  if (facts.stage !== LoopStage.CLOSED) add(TallyMetric.IDLE, dayOf(facts.lastEventAt));
  if (facts.stage === LoopStage.REQUESTED) add(TallyMetric.UNTRIAGED, dayOf(facts.createdAt));
  const touched = [...new Set(facts.touchedReleaseIds)];
  touched.forEach((releaseId) => add(TallyMetric.TOUCHED, releaseId));
  const completed = facts.completedInReleaseId;
  const closedIn = completed !== null && (facts.stage === LoopStage.RELEASED || facts.resolution === Resolution.DELIVERED) ? completed : null;
  if (closedIn !== null) add(TallyMetric.CLOSED, closedIn);
  const releases = new Set([...touched, ...(completed !== null ? [completed] : [])]);
  const slices = [
    SLICE_ALL,
    originSlice(facts.origin),
    ...new Set(facts.projects.map(projectSlice)),
    ...new Set(facts.themeIds.map(themeSlice)),
    ...[...releases].map(releaseSlice),
  ];
  return { slices, counts };
}

/** The change to the counters, by slice and `metric|bucket`, when a loop's share goes from one to the other (either may be absent). */
export function shareChange(before: TallyShare | null, after: TallyShare | null, into = new Map<string, number>()): Map<string, number> {
  const apply = (share: TallyShare | null, sign: number) => {
    if (!share) return;
    for (const slice of share.slices) {
      for (const [key, count] of Object.entries(share.counts)) {
        const at = `${slice}|${key}`;
        const total = (into.get(at) ?? 0) + sign * count;
        if (total === 0) into.delete(at);
        else into.set(at, total);
      }
    }
  };
  apply(before, -1);
  apply(after, 1);
  return into;
}

/** Splits a counter's full key back into slice, metric and bucket. */
export function counterOf(fullKey: string): { slice: string; metric: string; bucket: number } {
  const bucketAt = fullKey.lastIndexOf('|');
  const metricAt = fullKey.lastIndexOf('|', bucketAt - 1);
  return { slice: fullKey.slice(0, metricAt), metric: fullKey.slice(metricAt + 1, bucketAt), bucket: Number(fullKey.slice(bucketAt + 1)) };
}

/** The value at a percentile (nearest rank) of the durations counted by bucket, within the width of a bucket. */
export function percentileOf(buckets: Map<number, number>, percentile: number): number | null {
  const total = [...buckets.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(percentile * total);
  let seen = 0;
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    seen += buckets.get(bucket)!;
    if (seen >= rank) return bucketDuration(bucket);
  }
  return null;
}
