import { retryDelayMs } from './webhooks.service';

describe('retryDelayMs', () => {
  it('waits the base before the first retry and twice as long before each further one', () => {
    expect([1, 2, 3, 4, 7].map((attempts) => retryDelayMs(1000, attempts))).toEqual([1000, 2000, 4000, 8000, 64000]);
  });

  it('never waits more than a day, however many attempts the configuration allows', () => {
    expect(retryDelayMs(3_600_000, 100)).toBe(86_400_000);
  });
});
