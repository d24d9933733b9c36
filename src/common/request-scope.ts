import { AsyncLocalStorage } from 'node:async_hooks';

/** What the code serving one request knows about it, wherever it runs: its id and when its time is up. */
export interface RequestScope {
  /** The request id, echoed in X-Request-Id and in the logs. */
  readonly id: string;
  /** When a read of this request must stop (epoch ms); null for work with no deadline. */
  readonly deadline: number | null;
  /** The time budget the deadline came from, for the error that reports it. */
  readonly timeoutMs: number | null;
  /** The statements it has sent and not yet had answered. */
  readonly statements: StatementsInFlight;
}

/**
 * The statements one request has sent to the database and not yet had
 * answered. Its loaders wait for them before they send a batch, so that the
 * relations asked for by rows still on their way join the same batch instead
 * of making one of their own: how many statements a page takes then depends
 * on its shape, not on how the answers happened to be timed.
 */
export class StatementsInFlight {
  private count = 0;
  private readonly waiting: Array<() => void> = [];

  started(): void {
    this.count += 1;
  }

  finished(): void {
    this.count -= 1;
    if (this.count === 0) for (const callback of this.waiting.splice(0)) setImmediate(callback);
  }

  /** Calls back once no statement is in flight and what their answers set going has run. */
  whenSettled(callback: () => void): void {
    const check = () => (this.count > 0 ? this.waiting.push(check) : callback());
    setImmediate(check);
  }
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** The scope of the request being served, carried across awaits without being passed by hand. */
export const RequestScopes = {
  run<T>(scope: Omit<RequestScope, 'statements'>, work: () => T): T {
    return scopes.run({ ...scope, statements: new StatementsInFlight() }, work);
  },

  current(): RequestScope | undefined {
    return scopes.getStore();
  },
};
