import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs each write as one transaction. SQLite has a single connection in this
 * process, so write transactions queue behind one another instead of nesting
 * into each other's; PostgreSQL takes one pooled connection per transaction.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly committed = new WeakMap<EntityManager, Array<() => void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'better-sqlite3') return this.execute(work);
    const result = this.queue.then(() => this.execute(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs the callback once the transaction of this manager has committed; never if it rolls back. */
  afterCommit(em: EntityManager, callback: () => void): void {
    const callbacks = this.committed.get(em);
    if (!callbacks) throw new Error('afterCommit called outside a transaction of the TransactionRunner');
    callbacks.push(callback);
  }

  private async execute<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const callbacks: Array<() => void> = [];
    const result = await this.dataSource.transaction((em) => {
      this.committed.set(em, callbacks);
      return work(em);
    });
    callbacks.forEach((callback) => callback());
    return result;
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
