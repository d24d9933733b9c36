import { AfterQueryEvent, BeforeQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { RequestTimeoutError } from '../common/errors';
import { RequestScopes } from '../common/request-scope';

/**
 * How long one request's statements may run back to back before another
 * request gets its turn. better-sqlite3 answers synchronously, so a chain of
 * statements resolves in microtasks and never lets a waiting request in; this
 * bounds how long any one caller keeps the others waiting.
 */
export const TURN_MS = 4;

/** Statements run for no request: start-up, the webhook worker, the stall sweep. */
const BACKGROUND = 'background';

/**
 * Turns on the event loop for the statements of synchronous connections,
 * taken one request at a time. One statement runs at once; the request
 * holding the turn runs its statements one after another until the turn is
 * TURN_MS old, then the next request waiting gets it, in the order they
 * asked, each new turn after the event loop has taken in new I/O. A request
 * with many statements in flight at once (a page resolving a field per row)
 * thus gets one turn, not one per statement, and cannot crowd out a request
 * with a single statement.
 */
export class Turns {
  private holder: string | null = null;
  private since = 0;
  private running = false;
  private readonly queues = new Map<string, Array<() => void>>();
  private scheduled = false;

  /** Returns nothing when the statement may run now; otherwise a promise that resolves when it may. Each start is followed by one finish(). */
  start(who: string): Promise<void> | undefined {
    if (!this.running && this.fresh(who)) {
      this.running = true;
      return undefined;
    }
    return new Promise((resolve) => {
      const queue = this.queues.get(who);
      if (queue) queue.push(resolve);
      else this.queues.set(who, [resolve]);
      if (!this.running) this.scheduleTurn();
    });
  }

  /** The statement has run (or will not): the holder's next statement goes on while its turn lasts, or the next turn is scheduled. */
  finish(): void {
    this.running = false;
    const mine = this.holder === null ? undefined : this.queues.get(this.holder);
    if (mine && this.fresh(this.holder!)) {
      this.running = true;
      mine.shift()!();
      if (!mine.length) this.queues.delete(this.holder!);
      return;
    }
    if (mine) {
      // The turn is spent: the holder queues again, behind the requests that waited meanwhile.
      this.queues.delete(this.holder!);
      this.queues.set(this.holder!, mine);
    }
    if (this.queues.size) this.scheduleTurn();
  }

  /** Statements waiting for their turn now, over every request. */
  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  private fresh(who: string): boolean {
    return this.holder === who && performance.now() - this.since < TURN_MS;
  }

  private scheduleTurn(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.nextTurn());
  }

  private nextTurn(): void {
    this.scheduled = false;
    if (this.running) return;
    const first = this.queues.entries().next();
    if (first.done) return;
    const [who, queue] = first.value;
    this.holder = who;
    this.since = performance.now();
    this.running = true;
    queue.shift()!();
    if (!queue.length) this.queues.delete(who);
  }
}

/** One event loop per process, so one set of turns for every synchronous connection. */
const turns = new Turns();

/** Statements of the synchronous connections waiting for their turn now (for the metrics). */
export const statementsWaiting = (): number => turns.waiting;

/**
 * Runs around every statement of a data source (TypeORM awaits beforeQuery):
 * - on SQLite, the statement waits for its request's turn (see Turns), so
 *   that an import or a heavy read interleaves with other requests instead
 *   of freezing them;
 * - a read outside a write transaction then stops if the request it serves
 *   is past its deadline (the request's time budget), on every engine.
 */
export class QueryPacing implements EntitySubscriberInterface {
  constructor(private readonly synchronousDriver: boolean) {}

  beforeQuery(event: BeforeQueryEvent): Promise<void> | void {
    const scope = RequestScopes.current();
    scope?.statements.started();
    const checkDeadline = () => {
      if (!event.queryRunner.isTransactionActive && scope?.deadline && Date.now() > scope.deadline) {
        if (this.synchronousDriver) turns.finish();
        scope.statements.finished();
        throw new RequestTimeoutError(scope.timeoutMs);
      }
    };
    if (!this.synchronousDriver) return checkDeadline();
    const waiting = turns.start(scope?.id ?? BACKGROUND);
    if (!waiting) return checkDeadline();
    return waiting.then(checkDeadline);
  }

  afterQuery(_event: AfterQueryEvent): void {
    if (this.synchronousDriver) turns.finish();
    RequestScopes.current()?.statements.finished();
  }
}
