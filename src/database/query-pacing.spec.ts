import { QueryRunner } from 'typeorm';
import { RequestTimeoutError } from '../common/errors';
import { RequestScopes } from '../common/request-scope';
import { QueryPacing, TURN_MS, Turns } from './query-pacing';

/** Blocks the thread, as a synchronous statement does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('Turns', () => {
  /** A statement of `who` that takes `ms`: it waits for its turn, runs, and notes its name. */
  async function statement(turns: Turns, who: string, ms: number, ran: string[], name: string): Promise<void> {
    await turns.start(who);
    busy(ms);
    ran.push(name);
    turns.finish();
  }

  it('runs one statement at a time, and lets a request that asks later in before a busy request has done', async () => {
    const turns = new Turns();
    const ran: string[] = [];
    const heavy = Array.from({ length: 20 }, (_, index) => statement(turns, 'heavy', 5, ran, `heavy-${index}`));
    await new Promise((resolve) => setImmediate(resolve));
    const cheap = statement(turns, 'cheap', 0, ran, 'cheap');
    await Promise.all([...heavy, cheap]);
    expect(ran).toHaveLength(21);
    expect(ran.indexOf('cheap')).toBeLessThan(10);
    expect(ran.filter((name) => name.startsWith('heavy'))).toEqual(Array.from({ length: 20 }, (_, index) => `heavy-${index}`));
  });

  it('lets the holder of a fresh turn go on without waiting, and makes it wait once the turn is spent', async () => {
    const turns = new Turns();
    await turns.start('one');
    turns.finish();
    expect(turns.start('one')).toBeUndefined();
    busy(TURN_MS + 1);
    turns.finish();
    const next = turns.start('one');
    expect(next).toBeInstanceOf(Promise);
    await next;
    turns.finish();
  });
});

describe('QueryPacing', () => {
  const runner = (inTransaction: boolean) => ({ isTransactionActive: inTransaction }) as QueryRunner;
  const event = (inTransaction = false) => ({ queryRunner: runner(inTransaction), query: 'SELECT 1' }) as never;

  it('stops a read of a request past its deadline, and leaves writes and work without a deadline alone', async () => {
    const pacing = new QueryPacing(false);
    const late = { id: 'late', deadline: Date.now() - 1, timeoutMs: 50 };
    RequestScopes.run(late, () => expect(() => pacing.beforeQuery(event())).toThrow(RequestTimeoutError));
    RequestScopes.run(late, () => expect(() => pacing.beforeQuery(event(true))).not.toThrow());
    RequestScopes.run({ id: 'job', deadline: null, timeoutMs: null }, () => expect(() => pacing.beforeQuery(event())).not.toThrow());
    expect(() => pacing.beforeQuery(event())).not.toThrow();
  });

  it('on a synchronous connection, gives the turn back when it stops a late read', async () => {
    const pacing = new QueryPacing(true);
    const late = { id: 'late-sync', deadline: Date.now() - 1, timeoutMs: 50 };
    await RequestScopes.run(late, async () => {
      await expect(Promise.resolve().then(() => pacing.beforeQuery(event()))).rejects.toThrow(RequestTimeoutError);
    });
    const ok = pacing.beforeQuery(event());
    await ok;
    pacing.afterQuery(event());
  });
});
