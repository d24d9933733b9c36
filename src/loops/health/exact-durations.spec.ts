import fc from 'fast-check';
import { cheaperRead, exactSummary, nearestRank } from './exact-durations';

describe('nearestRank', () => {
  it('takes the value at rank ⌈p·n⌉ of the sorted durations', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(nearestRank(sorted, 0.5)).toBe(50);
    expect(nearestRank(sorted, 0.9)).toBe(90);
    expect(nearestRank(sorted.slice(0, 3), 0.5)).toBe(20);
    expect(nearestRank(sorted.slice(0, 3), 0.9)).toBe(30);
    expect(nearestRank([7], 0.5)).toBe(7);
  });

  it('has no value without durations', () => {
    expect(nearestRank([], 0.5)).toBeNull();
  });
});

describe('exactSummary', () => {
  it('counts the durations and reads the median and 90th percentile in any order they come', () => {
    expect(exactSummary([300, 100, 200])).toEqual({ samples: 3, medianSeconds: 200, p90Seconds: 300 });
    expect(exactSummary([86_400 * 9, 86_400 * 2, 86_400 * 2])).toEqual({ samples: 3, medianSeconds: 86_400 * 2, p90Seconds: 86_400 * 9 });
  });

  it('sorts as numbers, not as text', () => {
    expect(exactSummary([9, 10, 100, 1000, 20])).toEqual({ samples: 5, medianSeconds: 20, p90Seconds: 1000 });
  });

  it('is empty without durations', () => {
    expect(exactSummary([])).toEqual({ samples: 0, medianSeconds: null, p90Seconds: null });
  });

  it('gives what an ORDER BY … OFFSET ⌈p·n⌉ − 1 LIMIT 1 gives: as many durations at or below it as its rank', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 300 }), (seconds) => {
        const { samples, medianSeconds, p90Seconds } = exactSummary(seconds);
        expect(samples).toBe(seconds.length);
        for (const [percentile, value] of [[0.5, medianSeconds], [0.9, p90Seconds]] as const) {
          const rank = Math.ceil(percentile * seconds.length);
          expect(seconds.filter((s) => s < value!).length).toBeLessThan(rank);
          expect(seconds.filter((s) => s <= value!).length).toBeGreaterThanOrEqual(rank);
        }
      }),
    );
  });
});

describe('cheaperRead', () => {
  it('reads a small slice through its own loops, whatever the database holds', () => {
    // A theme of 3,500 loops in a database of a million: its few hundred releases, among 55,000.
    expect(cheaperRead({ loops: 3_500, endedStays: 9_400 }, { endedStays: 55_000, closedLoops: 0 })).toBe('slice');
  });

  it('reads a figure rare everywhere through its own kind, however large the slice', () => {
    // All loops, or an origin of half of them, where a few loops were ever reopened: their ended closed stays.
    expect(cheaperRead({ loops: 100_000, endedStays: 190_000 }, { endedStays: 40, closedLoops: 0 })).toBe('kinds');
    expect(cheaperRead({ loops: 50_000, endedStays: 95_000 }, { endedStays: 900, closedLoops: 800 })).toBe('kinds');
  });

  it('counts a closed loop as itself and its stays, about one a stage', () => {
    expect(cheaperRead({ loops: 1_000, endedStays: 2_000 }, { endedStays: 0, closedLoops: 600 })).toBe('slice');
    expect(cheaperRead({ loops: 1_000, endedStays: 2_000 }, { endedStays: 0, closedLoops: 400 })).toBe('kinds');
  });
});
