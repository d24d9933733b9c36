import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { WRITER } from '../database/writer';
import { eachChunk } from './chunks';

/** What a write gathers as it goes, finished inside its transaction just before it commits (see TransactionRunner.pending). */
type Pending = Map<string, { value: unknown; finish: (value: unknown) => Promise<void> }>;

/** What a write holds until it ends, by key: a row (locked for update), or an advisory lock, shared or exclusive. */
type Held = Map<string, 'row' | 'shared' | 'exclusive'>;

/** One transaction, or one savepoint inside it, with what to do once the whole has committed. */
interface Frame {
  em: EntityManager;
  afterCommit: Array<() => void>;
  /** The outermost transaction's, shared by its savepoints. */
  pending: Pending;
  /** Values read once per write (see once), the outermost transaction's. */
  once: Map<string, unknown>;
  /** What this frame and those around it hold; a savepoint's own locks go when it rolls back, so it starts from a copy. */
  held: Held;
}

/**
 * A lock a write takes on PostgreSQL until it ends, on something that is not
 * one row: a space (a name its user chooses, such as "theme") and an id in it.
 * Shared locks of the same key go together; an exclusive one waits for them,
 * and they for it.
 */
export interface WriteLock {
  space: string;
  id: number;
  exclusive: boolean;
}

/**
 * PostgreSQL's codes for a transaction that lost a race: serialization
 * failure, deadlock; and a unique row another write inserted at the same
 * moment, after this one had looked for it: run again, the write's own check
 * finds it and answers as it would have one write later.
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const ATTEMPTS = 8;

/** The first key of an advisory lock of the space: a 32-bit FNV-1a hash of its name. */
export function lockSpace(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

/**
 * Runs each write as one transaction. SQLite has a single connection in this
 * process: writes queue behind one another in the process, and its file lock
 * keeps other processes out. PostgreSQL serves several instances, and their
 * writes run side by side at READ COMMITTED, each statement reading what has
 * committed when it starts. A write derives stages from facts other writes
 * may be changing (a blueprint's status, a link to one of its themes), so
 * each write locks what it changes and what it derives from before it reads
 * it, in one order where it can (decisions/0013): the rows it names, locked
 * for update as it reads them (forUpdate, lockRows), and advisory locks on
 * the records whose facts it reads, shared, or changes, exclusive (lock).
 * Reads never wait. A write that loses a race the database detects (a
 * deadlock, or a row inserted by another write at the same moment) is run
 * again from the start: all of it, its events included, and what it leaves
 * for after the commit runs once, for the attempt that committed.
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
    if (this.locking) return this.retrying(work);
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

  /** Whether writes lock what they read and change (PostgreSQL); SQLite's writers are queued already. */
  get locking(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /**
   * Find options that lock the rows a write reads until it ends, where the
   * engine has row locks (PostgreSQL); SQLite's writers are queued already,
   * and reads outside a write take no locks. The lock is the one an UPDATE
   * takes (FOR NO KEY UPDATE): a row that others only point to through a
   * foreign key, as they insert theirs, does not make them wait.
   */
  forUpdate(): { lock?: { mode: 'for_no_key_update' } } {
    return this.inWrite && this.locking ? { lock: { mode: 'for_no_key_update' } } : {};
  }

  /**
   * Locks these rows of the entity (by id) until the write ends, as
   * forUpdate does, in the order of their ids; rows this write holds already
   * are not asked for again. Resolves to how many it locked now.
   */
  async lockRows<T extends ObjectLiteral & { id: number }>(target: EntityTarget<T>, ids: readonly number[]): Promise<number> {
    const frame = this.frameOf('lockRows');
    if (!this.locking) return 0;
    const table = frame.em.connection.getMetadata(target).tableName;
    const fresh = [...new Set(ids)].filter((id) => !frame.held.has(`${table}:${id}`)).sort((a, b) => a - b);
    await eachChunk(fresh, (chunk) =>
      frame.em.createQueryBuilder(target, 'locked').select('locked.id').where('locked.id IN (:...ids)', { ids: chunk }).orderBy('locked.id').setLock('for_no_key_update').getRawMany(),
    );
    fresh.forEach((id) => frame.held.set(`${table}:${id}`, 'row'));
    return fresh.length;
  }

  /**
   * Notes that the write holds these rows of the entity already (it inserted
   * them, or read them with forUpdate), so that lockRows does not ask for
   * them again.
   */
  holdsRows<T extends ObjectLiteral & { id: number }>(target: EntityTarget<T>, ids: readonly number[]): void {
    const frame = this.frames.getStore();
    if (!frame || !this.locking) return;
    const table = frame.em.connection.getMetadata(target).tableName;
    ids.forEach((id) => frame.held.set(`${table}:${id}`, 'row'));
  }

  /**
   * Takes these advisory locks until the write ends, in one order (space,
   * then id) whoever asks, so that two writes asking for the same ones never
   * wait on each other in a circle. Locks this write holds already are not
   * asked for again, but a shared one is taken again exclusive when asked.
   * Resolves to how many it took now.
   */
  async lock(locks: readonly WriteLock[]): Promise<number> {
    const frame = this.frameOf('lock');
    if (!this.locking) return 0;
    const fresh = this.unheld(frame, locks);
    if (fresh.length === 0) return 0;
    const sorted = fresh.map(([, lock]) => lock).sort((a, b) => a.key - b.key || a.id - b.id);
    // The subquery's order is the order the locks are taken in.
    await frame.em.query(
      `SELECT CASE WHEN exclusive THEN pg_advisory_xact_lock(key, id)::text ELSE pg_advisory_xact_lock_shared(key, id)::text END
         FROM (SELECT key, id, exclusive FROM unnest($1::int[], $2::int[], $3::boolean[]) AS wanted(key, id, exclusive) ORDER BY key, id) AS ordered`,
      [sorted.map((lock) => lock.key), sorted.map((lock) => lock.id), sorted.map((lock) => lock.exclusive)],
    );
    fresh.forEach(([name, { exclusive }]) => frame.held.set(name, exclusive ? 'exclusive' : 'shared'));
    return fresh.length;
  }

  /** Whether the write holds every one of these locks already (as strong as asked); on SQLite, where nothing is locked, always. */
  holdsLocks(locks: readonly WriteLock[]): boolean {
    return !this.locking || this.unheld(this.frameOf('holdsLocks'), locks).length === 0;
  }

  /** Those of the locks the frame does not hold yet, each once, by its name. */
  private unheld(frame: Frame, locks: readonly WriteLock[]): Array<[string, { key: number; id: number; exclusive: boolean }]> {
    const wanted = new Map<string, { key: number; id: number; exclusive: boolean }>();
    for (const { space, id, exclusive } of locks) {
      const name = `${space}#${id}`;
      wanted.set(name, { key: lockSpace(space), id, exclusive: exclusive || (wanted.get(name)?.exclusive ?? false) });
    }
    return [...wanted.entries()].filter(([name, { exclusive }]) => {
      const held = frame.held.get(name);
      return held === undefined || (exclusive && held === 'shared');
    });
  }

  /**
   * One of `count` keys of the space (0 to count - 1) that no other write
   * holds, exclusive to this one until it ends: the first free one, without
   * waiting; when every one is taken, one of them, once it is free. For rows
   * that many writes would otherwise change at once, split into that many.
   * SQLite's writers are queued: always 0.
   */
  async claim(space: string, count: number): Promise<number> {
    const frame = this.frameOf('claim');
    if (!this.locking) return 0;
    const key = lockSpace(space);
    const [free] = (await frame.em.query(`SELECT id FROM generate_series(0, $2::int - 1) AS id WHERE pg_try_advisory_xact_lock($1::int, id) LIMIT 1`, [key, count])) as Array<{
      id: number;
    }>;
    if (free) return Number(free.id);
    const any = Math.floor(Math.random() * count);
    await frame.em.query('SELECT pg_advisory_xact_lock($1::int, $2::int)::text', [key, any]);
    return any;
  }

  /**
   * A value the whole of the outermost write gathers into under this key
   * (such as the loops it touched), made on first use, and finished inside
   * the transaction just before it commits: work done once per write instead
   * of once per change. A savepoint that rolls back leaves what it added, so
   * the finishing work must read the state it finishes from the database.
   */
  pending<T>(key: string, start: () => T, finish: (value: T) => Promise<void>): T {
    const frame = this.frameOf('pending');
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
    this.frameOf('afterCommit').afterCommit.push(callback);
  }

  private frameOf(caller: string): Frame {
    const frame = this.frames.getStore();
    if (!frame) throw new Error(`${caller} called outside a write of the TransactionRunner`);
    return frame;
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(work);
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async execute<T>(work: () => Promise<T>): Promise<T> {
    const callbacks: Array<() => void> = [];
    const inFrame = async (em: EntityManager) => {
      // READ COMMITTED whatever the server's default; reads are cut off by the pool's statement timeout, but a write is bounded by its
      // own size, and must not fail waiting for the locks it needs. One round trip for both.
      if (this.locking) await em.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = 0');
      const frame: Frame = { em, afterCommit: callbacks, pending: new Map(), once: new Map(), held: new Map() };
      return this.frames.run(frame, async () => {
        const result = await work();
        await this.finishPending(frame.pending);
        return result;
      });
    };
    const result = await this.dataSource.transaction(inFrame);
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
    const frame: Frame = { em: outer.em, afterCommit: [], pending: outer.pending, once: outer.once, held: new Map(outer.held) };
    await runner.startTransaction();
    try {
      const result = await this.frames.run(frame, work);
      await runner.commitTransaction();
      outer.afterCommit.push(...frame.afterCommit);
      frame.held.forEach((kind, name) => outer.held.set(name, kind));
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}
