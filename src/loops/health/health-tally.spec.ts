import fc from 'fast-check';
import { LoopStage, Resolution } from '../../feedback/feedback.enums';
import { bucketDuration, counterOf, durationBucket, percentileOf, shareChange, shareOf, SLICE_ALL, TallyFacts } from './health-tally';

const facts = (changes: Partial<TallyFacts> = {}): TallyFacts => ({
  stage: LoopStage.PLANNED,
  origin: 'OPERATOR',
  createdAt: new Date('2026-01-05T10:00:00Z'),
  lastEventAt: new Date('2026-02-01T10:00:00Z'),
  resolution: null,
  completedInReleaseId: null,
  projects: ['Nova', 'nova', 'cinder'],
  themeIds: [7, 3],
  touchedReleaseIds: [30, 30],
  stays: [
    { stage: LoopStage.REQUESTED, seconds: 3600 },
    { stage: LoopStage.PLANNED, seconds: null },
  ],
  ...changes,
});

describe('shareOf', () => {
  it('puts a loop in the slices the loop filter would, each once', () => {
    expect(shareOf(facts()).slices).toEqual([SLICE_ALL, 'origin:OPERATOR', 'project:nova', 'project:cinder', 'theme:7', 'theme:3', 'release:30']);
  });

  it('counts its stage, its ended stays, its idle day and the releases it touches; an open stay is not a duration yet', () => {
    expect(shareOf(facts()).counts).toEqual({
      'stage|3': 1,
      [`stay.REQUESTED|${durationBucket(3600)}`]: 1,
      'idle|20485': 1,
      'touched|30': 1,
    });
  });

  it('counts a closed loop from request to closure, but not a merged duplicate, and a delivered closure in its release', () => {
    const closed = facts({ stage: LoopStage.CLOSED, resolution: Resolution.DELIVERED, completedInReleaseId: 31, stays: [{ stage: LoopStage.REQUESTED, seconds: 100 }, { stage: LoopStage.RELEASED, seconds: 50 }] });
    expect(shareOf(closed).counts).toMatchObject({ [`closure|${durationBucket(150)}`]: 1, 'closed|31': 1 });
    expect(shareOf(closed).slices).toContain('release:31');
    expect(Object.keys(shareOf({ ...closed, resolution: Resolution.DUPLICATE }).counts).some((key) => key.startsWith('closure|'))).toBe(false);
  });

  it('counts an untriaged loop by the day it was requested', () => {
    expect(shareOf(facts({ stage: LoopStage.REQUESTED })).counts['untriaged|20458']).toBe(1);
  });
});

describe('shareChange', () => {
  it('takes the old share back and adds the new one, in every slice of either', () => {
    const before = { slices: ['all', 'theme:3'], counts: { 'stage|2': 1 } };
    const after = { slices: ['all', 'theme:4'], counts: { 'stage|3': 1 } };
    expect(Object.fromEntries(shareChange(before, after))).toEqual({
      'all|stage|2': -1,
      'theme:3|stage|2': -1,
      'all|stage|3': 1,
      'theme:4|stage|3': 1,
    });
    expect(shareChange(before, before).size).toBe(0);
    expect(counterOf('project:nova|stay.PLANNED|12')).toEqual({ slice: 'project:nova', metric: 'stay.PLANNED', bucket: 12 });
  });
});

describe('percentileOf', () => {
  it('reads the median and 90th percentile within 2.5 % of the exact ones (nearest rank)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400_000_000 }), { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.9), (durations, percentile) => {
        const buckets = new Map<number, number>();
        durations.forEach((seconds) => buckets.set(durationBucket(seconds), (buckets.get(durationBucket(seconds)) ?? 0) + 1));
        const exact = [...durations].sort((a, b) => a - b)[Math.ceil(percentile * durations.length) - 1];
        const read = percentileOf(buckets, percentile)!;
        expect(Math.abs(read - exact) / exact).toBeLessThanOrEqual(0.025 + 1 / exact);
      }),
    );
  });

  it('has nothing to say without durations, and zero for a bucket of zero', () => {
    expect(percentileOf(new Map(), 0.5)).toBeNull();
    expect(bucketDuration(durationBucket(0))).toBe(0);
  });
});
