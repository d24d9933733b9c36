import { Buckets } from './buckets';

describe('Buckets', () => {
  let now = 0;
  const buckets = () => new Buckets(3600, 3_600_000, () => now);

  beforeEach(() => (now = 1_000_000));

  it('starts full, takes what is asked while it holds it, and refuses without taking once it does not', () => {
    const budget = buckets();
    expect(budget.take('a', 3000)).toEqual({ granted: true, remaining: 600, fullAt: now + 3_000_000, retryAfterMs: 0 });
    const refused = budget.take('a', 1000);
    expect(refused).toMatchObject({ granted: false, remaining: 600, retryAfterMs: 400_000 });
    expect(budget.peek('a')).toMatchObject({ remaining: 600 });
  });

  it('refills continuously at its capacity per period, never beyond it', () => {
    const budget = buckets();
    budget.take('a', 3600);
    now += 60_000;
    expect(budget.peek('a').remaining).toBe(60);
    now += 10 * 3_600_000;
    expect(budget.peek('a').remaining).toBe(3600);
  });

  it('keeps one bucket per caller', () => {
    const budget = buckets();
    budget.take('a', 3600);
    expect(budget.take('b', 100).granted).toBe(true);
    expect(budget.take('a', 1).granted).toBe(false);
  });

  it('says when an amount larger than the whole bucket can never be paid', () => {
    expect(buckets().take('a', 5000)).toMatchObject({ granted: false, retryAfterMs: Infinity });
  });
});
