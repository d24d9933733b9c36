import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { WRITER } from '../database/writer';

/** What a write gathers as it goes, finished inside its transaction just before it commits (see TransactionRunner.pending). */
type Pending = Map<string, { value: unknown; finish: (value: unknown) => Promise<void> }>;

/** One transaction, or one savepoint inside it, with what to do once the whole has committed. */
interface Frame {
  em: EntityManager;
  afterCommit: Array<() => void>;
  /** The outermost transaction's, shared by its savepoints. */
  pending: Pending;
  /** Values read once per write (see once), the outermost transaction's. */
  once: Map<string, unknown>;
}

/** PostgreSQL's codes for a transaction that lost a race: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

/** The advisory lock every write of every instance takes on PostgreSQL ("LOOPTRAC" in ASCII). */
const WRITE_LOCK = '5494874331353667395';

/**
 * Runs each write as one transaction, one write at a time. A write derives
 * stages from facts other writes may be changing (a blueprint's status, a
 * link to one of its themes), so two writes must never interleave. SQLite
 * has a single connection in this process: writes queue behind one another
 * in the process, and its file lock keeps other processes out. PostgreSQL
 * serves several instances: each write takes one transaction-scoped advisory
 * lock first, so writes of all instances run one at a time, each reading what
 * the ones before it committed (READ COMMITTED takes a fresh snapshot per
 * statement, after the lock is held). Reads never wait. Should a write still
 * lose a race the database detects (a deadlock), it is run again from the
 * start.
 *
 * A write started inside another (an import applying many records through
 * the services, each of which is a write of its own) runs in a savepoint of
 * the outer transaction: if it fails, it alone is rolled back, and nothing is
 * published before the outer transaction commits.
 *
 * The transaction is ambient: code that runs inside a write, however deep,
 * asks for `manager` (or a `repository`) and gets the write's own, so its
 * reads see what the write has done so far; outside a write it gets the
 * readers' connection. Nobody passes an EntityManager by hand.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly frames = new AsyncLocalStorage<Frame>();

  constructor(
    @Inject(WRITER) private readonly dataSource: DataSource,
    @Inject(getDataSourceToken()) private readonly reader: DataSource,
  ) {}

  /** Runs the work as one write: a transaction of its own, or a savepoint of the write it runs in. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const outer = this.frames.getStore();
    if (outer) return this.savepoint(outer, work);
    if (this.dataSource.options.type === 'postgres') return this.retrying(work);
    const result = this.queue.then(() => this.execute(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The manager of the write this code runs in; outside a write, the readers'. */
  get manager(): EntityManager {
    return this.frames.getStore()?.em ?? this.reader.manager;
  }

  /** The repository of an entity, in the write this code runs in (see manager). */
  repository<T extends ObjectLiteral>(target: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(target);
  }

  /** Whether this code runs inside a write. */
  get inWrite(): boolean {
    return this.frames.getStore() !== undefined;
  }

  /**
   * Find options that lock the rows a write reads until it ends, where the
   * engine has row locks (PostgreSQL); SQLite's writers are queued already,
   * and reads outside a write take no locks.
   */
  forUpdate(): { lock?: { mode: 'pessimistic_write' } } {
    return this.inWrite && this.dataSource.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' } } : {};
  }

  /**
   * A value the whole of the outermost write gathers into under this key
   * (such as the loops it touched), made on first use, and finished inside
   * the transaction just before it commits: work done once per write instead
   * of once per change. A savepoint that rolls back leaves what it added, so
   * the finishing work must read the state it finishes from the database.
   */
  pending<T>(key: string, start: () => T, finish: (value: T) => Promise<void>): T {
    const frame = this.frames.getStore();
    if (!frame) throw new Error('pending called outside a write of the TransactionRunner');
    const found = frame.pending.get(key);
    if (found) return found.value as T;
    const value = start();
    frame.pending.set(key, { value, finish: finish as (value: unknown) => Promise<void> });
    return value;
  }

  /**
   * A value the whole of the outermost write reads once, under this key (such
   * as the active webhooks every event of the write is matched against):
   * only for what no part of the write itself changes.
   */
  once<T>(key: string, read: () => T): T {
    const frame = this.frames.getStore();
    if (!frame) return read();
    if (!frame.once.has(key)) frame.once.set(key, read());
    return frame.once.get(key) as T;
  }

  /** Runs the callback once the outermost transaction has committed; never if what registered it rolls back. */
  afterCommit(callback: () => void): void {
    const frame = this.frames.getStore();
    if (!frame) throw new Error('afterCommit called outside a write of the TransactionRunner');
    frame.afterCommit.push(callback);
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(work, 'READ COMMITTED');
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async execute<T>(work: () => Promise<T>, isolation?: 'READ COMMITTED'): Promise<T> {
    const callbacks: Array<() => void> = [];
    const inFrame = async (em: EntityManager) => {
      if (isolation) {
        // Reads are cut off by the pool's statement timeout; a write is bounded by its own size, and must not fail waiting its turn.
        await em.query('SET LOCAL statement_timeout = 0');
        await em.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      }
      const frame: Frame = { em, afterCommit: callbacks, pending: new Map(), once: new Map() };
      return this.frames.run(frame, async () => {
        const result = await work();
        await this.finishPending(frame.pending);
        return result;
      });
    };
    const result = isolation ? await this.dataSource.transaction(isolation, inFrame) : await this.dataSource.transaction(inFrame);
    callbacks.forEach((callback) => callback());
    return result;
  }

  /** Finishes what the write gathered, in the order it was first gathered; finishing may gather more, which is finished too. */
  private async finishPending(pending: Pending): Promise<void> {
    while (pending.size) {
      const [key, { value, finish }] = pending.entries().next().value!;
      pending.delete(key);
      await finish(value);
    }
  }

  private async savepoint<T>(outer: Frame, work: () => Promise<T>): Promise<T> {
    const runner = outer.em.queryRunner!;
    const frame: Frame = { em: outer.em, afterCommit: [], pending: outer.pending, once: outer.once };
    await runner.startTransaction();
    try {
      const result = await this.frames.run(frame, work);
      await runner.commitTransaction();
      outer.afterCommit.push(...frame.afterCommit);
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}
