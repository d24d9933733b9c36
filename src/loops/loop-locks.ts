import { Injectable } from '@nestjs/common';
import { eachChunk } from '../common/chunks';
import { TransactionRunner, WriteLock } from '../common/transactions';
import { Touches } from '../history/event-catalogue';
import { LoopFactsService } from './loop-facts.service';
import { LoopStateStore } from './loop-state';

/** The records other than requests whose facts a write changes, as an event's touches name them. */
export type ChangedRecords = Pick<Touches, 'themes' | 'blueprints' | 'releases'>;

/** The spaces of the advisory locks on the records loops derive from (TransactionRunner.lock). */
const SPACES = { themes: 'loop-facts:theme', blueprints: 'loop-facts:blueprint', releases: 'loop-facts:release' } as const;

/**
 * What a write holds on PostgreSQL so that writes to other loops run beside
 * it, and two writes never derive a stage from facts the other is changing
 * (decisions/0013). A write that derives loops holds each loop (its
 * request's row, as any write that changes the request does) and every
 * record its facts are read from (LoopFactsService.reach): an advisory lock,
 * shared, on each theme, blueprint and release, and exclusive on those whose
 * facts the write changes. So a write that changes a blueprint waits for the
 * writes deriving a loop the blueprint answers, and they for it; writes that
 * only read the blueprint go together; writes to loops with nothing in
 * common never wait on each other.
 *
 * The loops come first and then the records, each in the order of their ids,
 * so that writes asking for the same ones queue instead of deadlocking. Who
 * the loops are can itself be what another write changes (a link to a theme
 * of the blueprint): after taking what it did not hold yet, the write finds
 * the loops and their records again, until it holds all it found. Everything
 * is held until the write ends, so what it reads afterwards stays as it read
 * it. SQLite's writers are queued, one at a time: there nothing is locked.
 */
@Injectable()
export class LoopLocks {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly facts: LoopFactsService,
    private readonly loopState: LoopStateStore,
  ) {}

  /**
   * Holds the loops `find` gives, the records their facts are read from, and
   * (exclusive) the records the write changes; resolves to the loops, as
   * found once nothing new had to be locked.
   */
  hold(find: () => Promise<number[]>, changed: ChangedRecords = {}): Promise<number[]> {
    return this.holding(find, changed, true);
  }

  /**
   * Holds what the facts of the loops `find` gives are read from, and
   * (exclusive) the records the write changes, but not the loops themselves:
   * for loops the write only counts again (their share of the health tally),
   * which a change of one of those records moves to other slices. Every
   * write that derives or counts such a loop holds the records it is read
   * from, the changed one among them, so it waits for this write or this
   * write for it; and taking no loop after the records this write may hold
   * already keeps it out of a deadlock with a write that holds such a loop
   * and waits for one of those records.
   */
  holdToCount(find: () => Promise<number[]>, changed: ChangedRecords): Promise<number[]> {
    return this.holding(find, changed, false);
  }

  private async holding(find: () => Promise<number[]>, changed: ChangedRecords, loopRows: boolean): Promise<number[]> {
    if (!this.tx.locking) return find();
    let loops = await find();
    let wanted: WriteLock[] = this.locksOn(changed, true);
    for (;;) {
      if (loopRows) await this.loopState.lock(loops);
      wanted = [...wanted, ...this.locksOn(await this.reach(loops), false)];
      // Nothing new: what the loops were found by, and what their facts are read from, was held before it was read.
      if (this.tx.holdsLocks(wanted)) return loops;
      try {
        // In a savepoint: should the loops turn out to be others once the records are held, it rolls back, which lets go of the records
        // again, so that the write takes the loops it found first and the records after, as every write does.
        return await this.tx.run(async () => {
          await this.tx.lock(wanted);
          const found = await find();
          const reach = this.locksOn(await this.reach(found), false);
          const held = new Set(loops);
          const known = new Set(wanted.map(lockName));
          if ((loopRows && found.some((id) => !held.has(id))) || reach.some((lock) => !known.has(lockName(lock)))) throw new Regather(found, reach);
          return found;
        });
      } catch (error) {
        if (!(error instanceof Regather)) throw error;
        loops = [...new Set([...loops, ...error.loops])];
        wanted = [...wanted, ...error.locks];
      }
    }
  }

  /** What the facts of these loops are read from, a chunk of loops at a time. */
  private async reach(loops: readonly number[]): Promise<ChangedRecords> {
    const reach = { themes: [] as number[], blueprints: [] as number[], releases: [] as number[] };
    await eachChunk(loops, async (chunk) => {
      const { themeIds, blueprintIds, releaseIds } = await this.facts.reach(chunk);
      reach.themes.push(...themeIds);
      reach.blueprints.push(...blueprintIds);
      reach.releases.push(...releaseIds);
    });
    return reach;
  }

  private locksOn(records: ChangedRecords, exclusive: boolean): WriteLock[] {
    return (['themes', 'blueprints', 'releases'] as const).flatMap((kind) => (records[kind] ?? []).map((id) => ({ space: SPACES[kind], id, exclusive })));
  }
}

const lockName = (lock: WriteLock) => `${lock.space}#${lock.id}`;

/** The loops, or the records they are read from, were others once what was found first was held: found again, to be held first. */
class Regather extends Error {
  constructor(
    readonly loops: number[],
    readonly locks: WriteLock[],
  ) {
    super('the loops and their records are to be found again');
  }
}
