import { LOOP_STAGES } from '../../feedback/feedback.enums';

/**
 * A median and a 90th percentile drawn from the durations themselves, for a
 * figure small enough to read them all (the health tally says how many there
 * are). Nearest rank, as the aggregate queries read it: the value at rank
 * ⌈p·n⌉ of the durations in ascending order.
 */
export interface ExactSummary {
  samples: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** The value at the percentile (0 < p ≤ 1) of durations sorted in ascending order, by nearest rank; null when there are none. */
export function nearestRank(sorted: readonly number[], percentile: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(percentile * sorted.length) - 1)];
}

/** The summary of these durations, in any order. */
export function exactSummary(seconds: readonly number[]): ExactSummary {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { samples: sorted.length, medianSeconds: nearestRank(sorted, 0.5), p90Seconds: nearestRank(sorted, 0.9) };
}

/**
 * The two ways to find a slice's durations: through the slice, every stay of
 * each of its loops; or through the durations of the figures' kinds, those of
 * every loop, each kept if its loop is in the slice.
 */
export type ExactRead = 'slice' | 'kinds';

/**
 * The read with fewer rows to go through. Through the slice: its loops and
 * their stays, an open one each and those that ended. Through the kinds: the
 * ended stays of the stages read, over all loops, and for the closure every
 * closed loop with its stays, about one a stage.
 */
export function cheaperRead(slice: { loops: number; endedStays: number }, everywhere: { endedStays: number; closedLoops: number }): ExactRead {
  const throughSlice = 2 * slice.loops + slice.endedStays;
  const throughKinds = everywhere.endedStays + everywhere.closedLoops * (1 + LOOP_STAGES.length);
  return throughKinds <= throughSlice ? 'kinds' : 'slice';
}
