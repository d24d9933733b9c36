/** Where one caller's bucket stands after a request to take from it. */
export interface BucketState {
  /** Whether the amount was taken. */
  granted: boolean;
  /** What is left in the bucket, after the amount when it was granted. */
  remaining: number;
  /** When the bucket will be full again (epoch ms). */
  fullAt: number;
  /** How long until the bucket holds the amount asked for (0 when granted); Infinity when it never can. */
  retryAfterMs: number;
}

interface Level {
  amount: number;
  at: number;
}

/** Beyond this many callers, buckets that have refilled completely are forgotten (a full bucket is what a new caller gets). */
const PRUNE_ABOVE = 10_000;

/**
 * One bucket per caller, each holding up to `capacity` and refilling
 * continuously at `capacity` per `periodMs` (the leaky bucket of GitHub's and
 * Shopify's API limits): a caller can spend in a burst what has built up,
 * then only as fast as it refills. In memory, per process.
 */
export class Buckets {
  private readonly levels = new Map<string, Level>();

  constructor(
    readonly capacity: number,
    readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private get ratePerMs(): number {
    return this.capacity / this.periodMs;
  }

  private levelOf(key: string, at: number): number {
    const level = this.levels.get(key);
    if (!level) return this.capacity;
    return Math.min(this.capacity, level.amount + (at - level.at) * this.ratePerMs);
  }

  private state(granted: boolean, remaining: number, at: number, wanted: number): BucketState {
    const missing = granted ? 0 : wanted - remaining;
    return {
      granted,
      remaining: Math.floor(remaining),
      fullAt: at + Math.ceil((this.capacity - remaining) / this.ratePerMs),
      retryAfterMs: granted ? 0 : wanted > this.capacity ? Infinity : Math.ceil(missing / this.ratePerMs),
    };
  }

  /** Takes the amount from the caller's bucket if it holds that much; otherwise takes nothing. */
  take(key: string, amount: number): BucketState {
    const at = this.now();
    const level = this.levelOf(key, at);
    if (amount > level) return this.state(false, level, at, amount);
    this.levels.set(key, { amount: level - amount, at });
    if (this.levels.size > PRUNE_ABOVE) this.prune(at);
    return this.state(true, level - amount, at, amount);
  }

  /** Where the caller's bucket stands, taking nothing. */
  peek(key: string, wanted = 1): BucketState {
    const at = this.now();
    const level = this.levelOf(key, at);
    return this.state(wanted <= level, level, at, wanted);
  }

  private prune(at: number): void {
    for (const key of [...this.levels.keys()]) if (this.levelOf(key, at) >= this.capacity) this.levels.delete(key);
  }
}
