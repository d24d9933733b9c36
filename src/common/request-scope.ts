import { AsyncLocalStorage } from 'node:async_hooks';

/** What the code serving one request knows about it, wherever it runs: its id and when its time is up. */
export interface RequestScope {
  /** The request id, echoed in X-Request-Id and in the logs. */
  readonly id: string;
  /** When a read of this request must stop (epoch ms); null for work with no deadline. */
  readonly deadline: number | null;
  /** The time budget the deadline came from, for the error that reports it. */
  readonly timeoutMs: number | null;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** The scope of the request being served, carried across awaits without being passed by hand. */
export const RequestScopes = {
  run<T>(scope: RequestScope, work: () => T): T {
    return scopes.run(scope, work);
  },

  current(): RequestScope | undefined {
    return scopes.getStore();
  },
};
