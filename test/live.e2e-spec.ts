import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveEvents } from '../src/history/live-events';
import { startService, TestService } from './support/service';
import { openSocket } from './support/sockets';
import { waitFor } from './support/wait';

interface HeardEvent {
  type: string;
  recordKey: string;
  after: { stage?: string } | null;
}

/** Watching loops live: the loopEvents subscription over graphql-ws, authenticated by the token in the connection parameters. */
describe('live events', () => {
  let service: TestService;
  let pm: string;
  let lead: string;
  let operator: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;
    operator = (await service.actor('OPERATOR', 'Olga')).token;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await service.close();
  });

  function connect(token: string | null): Client {
    const client = createClient({
      url: service.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  }

  /** Subscribes and collects what arrives; resolves once the server listens. */
  async function watch(token: string, filter: Record<string, unknown>) {
    const received: HeardEvent[] = [];
    const errors: unknown[] = [];
    const live = service.app.get(LiveEvents);
    const before = live.subscribers;
    connect(token).subscribe(
      { query: `subscription($filter: LoopEventFilter) { loopEvents(filter: $filter) { type recordKey after actor { name } } }`, variables: { filter } },
      {
        next: (result) => (result.errors ? errors.push(result.errors) : received.push((result.data as { loopEvents: HeardEvent }).loopEvents)),
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    await waitFor('the subscription to start', () => live.subscribers > before);
    return { received, errors };
  }

  it('delivers every event of a loop, in order, as it moves through its stages', async () => {
    const loop = await watch(operator, { loopKey: 'FB-1' });
    const nova = await watch(pm, { project: 'nova', types: ['loop.*'] });
    const theme = await watch(pm, { themeKey: 'TH-1', types: ['loop.stage_changed'] });
    const other = await watch(pm, { loopKey: 'FB-2' });

    const { api } = service;
    await api.submitFeedback(operator, { title: 'Evacuate a host in one call', origin: 'OPERATOR' });
    await api.triageFeedback(pm, { key: 'FB-1' });
    await api.createTheme(pm, { title: 'Maintenance', kind: 'USER_STORY' });
    await api.createTheme(pm, { title: 'Host evacuation', kind: 'GAP', parentKey: 'TH-1' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-2' });
    await api.createBlueprint(lead, { project: 'nova', name: 'evacuate', title: 'Evacuate' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'evacuate', feedbackKey: 'FB-1' });
    await api.updateBlueprint(lead, { project: 'nova', name: 'evacuate', implementationStatus: 'STARTED' });
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'evacuate', release: 'Pike', result: 'DELIVERED' });
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'in Pike' });
    await api.verifyClosure(operator, { key: 'FB-1', verdict: 'CONFIRMED' });

    const expected = [
      'feedback.submitted',
      'loop.triaged',
      'loop.stage_changed:TRIAGED',
      'link.created',
      'loop.stage_changed:THEMED',
      'link.created',
      'loop.stage_changed:PLANNED',
      'blueprint.updated',
      'loop.stage_changed:IN_DEVELOPMENT',
      'outcome.recorded',
      'loop.stage_changed:RELEASED',
      'loop.released',
      'loop.closed',
      'loop.stage_changed:CLOSED',
      'loop.verified',
    ];
    const describe = (event: HeardEvent) => (event.type === 'loop.stage_changed' ? `${event.type}:${event.after?.stage}` : event.type);
    await waitFor('every event of the loop', () => loop.received.length >= expected.length);
    expect(loop.errors).toEqual([]);
    expect(loop.received.map(describe)).toEqual(expected);
    expect(loop.received.every((event) => event.recordKey === 'FB-1' || event.type !== 'loop.stage_changed')).toBe(true);

    await waitFor('the stage changes under TH-1', () => theme.received.length >= 5);
    expect(theme.received.map(describe)).toEqual(expected.filter((type) => type.startsWith('loop.stage_changed')).slice(1));
    const novaExpected = expected.filter((type) => type.startsWith('loop.')).slice(3);
    await waitFor('the loop events of nova', () => nova.received.length >= novaExpected.length);
    expect(nova.received.map(describe)).toEqual(novaExpected);
    expect(other.received).toEqual([]);
  });

  it('answers a refused subscription with the code it has over HTTP, and nothing internal', async () => {
    const socket = openSocket(service, (await service.actor('USER', 'Ursula User')).token);
    const errors = await new Promise<unknown[]>((resolve) => {
      const seen: unknown[] = [];
      socket.client.subscribe(
        { query: 'subscription { loopEvents(filter: { loopKey: "FB-99999999999" }) { type } }' },
        { next: (result) => seen.push(...(result.errors ?? [])), error: (error) => (seen.push(error), resolve(seen)), complete: () => resolve(seen) },
      );
    });
    await socket.client.dispose();
    expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'filter.loopKey' })] }) })]);
  });

  it('refuses a connection without a valid token', async () => {
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      connect('lt_not-a-token').subscribe(
        { query: `subscription { loopEvents { type } }` },
        { next: () => undefined, error: (error) => (errors.push(error), resolve()), complete: () => resolve() },
      );
    });
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: number }).code).toBe(4403);
  });
});
