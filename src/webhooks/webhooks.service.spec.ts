import { matchesEventType, retryDelayMs } from './webhooks.service';

describe('matchesEventType', () => {
  it('takes an exact type, a family ending in .*, or * for everything', () => {
    expect(matchesEventType('loop.closed', 'loop.closed')).toBe(true);
    expect(matchesEventType('loop.closed', 'loop.closed_again')).toBe(false);
    expect(matchesEventType('loop.*', 'loop.stage_changed')).toBe(true);
    expect(matchesEventType('loop.*', 'loopy.closed')).toBe(false);
    expect(matchesEventType('loop.*', 'feedback.submitted')).toBe(false);
    expect(matchesEventType('*', 'outcome.recorded')).toBe(true);
  });
});

describe('retryDelayMs', () => {
  it('waits the base before the first retry and twice as long before each further one', () => {
    expect([1, 2, 3, 4, 7].map((attempts) => retryDelayMs(1000, attempts))).toEqual([1000, 2000, 4000, 8000, 64000]);
  });

  it('never waits more than a day, however many attempts the configuration allows', () => {
    expect(retryDelayMs(3_600_000, 100)).toBe(86_400_000);
  });
});
