import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';

/** One transaction, or one savepoint inside it, with what to do once the whole has committed. */
interface Frame {
  em: EntityManager;
  afterCommit: Array<() => void>;
}

/** PostgreSQL's codes for a transaction that lost a race: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

/**
 * Runs each write as one transaction. SQLite has a single connection in this
 * process, so write transactions queue behind one another instead of nesting
 * into each other's. On PostgreSQL each write is SERIALIZABLE on a pooled
 * connection: two concurrent writes that would derive a loop's stage from
 * facts the other is changing cannot both commit, and the one that loses is
 * run again from the start (a few times, then the error stands).
 *
 * A write started inside another (an import applying many records through
 * the services, each of which is a write of its own) runs in a savepoint of
 * the outer transaction: if it fails, it alone is rolled back, and nothing is
 * published before the outer transaction commits.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly frames = new AsyncLocalStorage<Frame>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const outer = this.frames.getStore();
    if (outer) return this.savepoint(outer, work);
    if (this.dataSource.options.type === 'postgres') return this.retrying(work);
    const result = this.queue.then(() => this.execute(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs the callback once the outermost transaction has committed; never if what registered it rolls back. */
  afterCommit(em: EntityManager, callback: () => void): void {
    const frame = this.frames.getStore();
    if (!frame || frame.em !== em) throw new Error('afterCommit called outside a transaction of the TransactionRunner');
    frame.afterCommit.push(callback);
  }

  private async retrying<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(work, 'SERIALIZABLE');
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  private async execute<T>(work: (em: EntityManager) => Promise<T>, isolation?: 'SERIALIZABLE'): Promise<T> {
    const callbacks: Array<() => void> = [];
    const inFrame = (em: EntityManager) => this.frames.run({ em, afterCommit: callbacks }, () => work(em));
    const result = isolation ? await this.dataSource.transaction(isolation, inFrame) : await this.dataSource.transaction(inFrame);
    callbacks.forEach((callback) => callback());
    return result;
  }

  private async savepoint<T>(outer: Frame, work: (em: EntityManager) => Promise<T>): Promise<T> {
    const runner = outer.em.queryRunner!;
    const frame: Frame = { em: outer.em, afterCommit: [] };
    await runner.startTransaction();
    try {
      const result = await this.frames.run(frame, () => work(outer.em));
      await runner.commitTransaction();
      outer.afterCommit.push(...frame.afterCommit);
      return result;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}

/**
 * Find options that lock the rows a write reads until its transaction ends,
 * where the engine has row locks (PostgreSQL); SQLite's writers are queued
 * already, and reads outside a transaction take no locks.
 */
export function forUpdate(em: EntityManager): { lock?: { mode: 'pessimistic_write' } } {
  const inTransaction = em.queryRunner?.isTransactionActive ?? false;
  return inTransaction && em.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' } } : {};
}
