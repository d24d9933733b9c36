import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveEvents } from '../../src/history/live-events';
import { TestService } from './service';
import { waitFor } from './wait';

/** One graphql-ws connection of a token, and how it ended. */
export interface TestSocket {
  client: Client;
  /** The close code, once the socket has closed. */
  closedWith: number | null;
}

/** What one subscription received so far. */
export interface Watch<T> {
  received: T[];
  errors: unknown[];
}

/** A socket to the service with the token in its connection parameters; it connects at its first subscription and never retries. */
export function openSocket(service: TestService, token: string): TestSocket {
  const socket: TestSocket = { client: undefined as unknown as Client, closedWith: null };
  socket.client = createClient({
    url: service.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => (socket.closedWith = (event as { code: number }).code) },
  });
  return socket;
}

/** Subscribes to loopEvents on the socket and resolves once the service listens for it; one at a time, or the count misleads. */
export async function watchEvents<T = { type: string; recordType: string; recordKey: string }>(
  service: TestService,
  socket: TestSocket,
  filter: Record<string, unknown> | null = null,
  selection = 'type recordType recordKey',
): Promise<Watch<T>> {
  const watch: Watch<T> = { received: [], errors: [] };
  const live = service.app.get(LiveEvents);
  const before = live.subscribers;
  socket.client.subscribe(
    { query: `subscription($filter: LoopEventFilter) { loopEvents(filter: $filter) { ${selection} } }`, variables: { filter } },
    {
      next: (result) => (result.errors ? watch.errors.push(result.errors) : watch.received.push((result.data as { loopEvents: T }).loopEvents)),
      error: (error) => watch.errors.push(error),
      complete: () => undefined,
    },
  );
  await waitFor('the subscription to start', () => live.subscribers > before);
  return watch;
}
