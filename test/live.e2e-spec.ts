import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveEvents } from '../src/history/live-events';
import { startService, TestService } from './support/service';
import { openSocket } from './support/sockets';

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

  async function waitFor(condition: () => boolean, what: string): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      if (condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Subscribes and collects what arrives; resolves once the server listens. */
  async function watch(token: string, filter: Record<string, unknown>) {
    const received: Array<{ type: string; recordKey: string; after: any }> = [];
    const errors: unknown[] = [];
    const live = service.app.get(LiveEvents);
    const before = live.subscribers;
    connect(token).subscribe(
      { query: `subscription($filter: LoopEventFilter) { loopEvents(filter: $filter) { type recordKey after actor { name } } }`, variables: { filter } },
      { next: (result) => (result.errors ? errors.push(result.errors) : received.push((result.data as any).loopEvents)), error: (error) => errors.push(error), complete: () => undefined },
    );
    await waitFor(() => live.subscribers > before, 'the subscription to start');
    return { received, errors };
  }

  it('delivers every event of a loop, in order, as it moves through its stages', async () => {
    const loop = await watch(operator, { loopKey: 'FB-1' });
    const nova = await watch(pm, { project: 'nova', types: ['loop.*'] });
    const theme = await watch(pm, { themeKey: 'TH-1', types: ['loop.stage_changed'] });
    const other = await watch(pm, { loopKey: 'FB-2' });

    await service.ok(operator, `mutation { submitFeedback(input: { title: "Evacuate a host in one call", origin: OPERATOR }) { feedback { key } } }`);
    await service.ok(pm, `mutation { triageFeedback(input: { key: "FB-1" }) { feedback { key } } }`);
    await service.ok(pm, `mutation { createTheme(input: { title: "Maintenance", kind: USER_STORY }) { theme { key } } }`);
    await service.ok(pm, `mutation { createTheme(input: { title: "Host evacuation", kind: GAP, parentKey: "TH-1" }) { theme { key } } }`);
    await service.ok(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-1", themeKey: "TH-2" }) { theme { key } } }`);
    await service.ok(lead, `mutation { createBlueprint(input: { project: "nova", name: "evacuate", title: "Evacuate" }) { blueprint { key } } }`);
    await service.ok(lead, `mutation { linkBlueprint(input: { project: "nova", name: "evacuate", feedbackKey: "FB-1" }) { blueprint { key } } }`);
    await service.ok(lead, `mutation { updateBlueprint(input: { project: "nova", name: "evacuate", implementationStatus: STARTED }) { blueprint { key } } }`);
    await service.ok(pm, `mutation { recordReleaseOutcome(input: { project: "nova", name: "evacuate", release: "Pike", result: DELIVERED }) { outcome { id } } }`);
    await service.ok(pm, `mutation { closeLoop(input: { key: "FB-1", resolution: DELIVERED, note: "in Pike" }) { loop { stage } } }`);
    await service.ok(operator, `mutation { verifyClosure(input: { key: "FB-1", verdict: CONFIRMED }) { loop { stage } } }`);

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
    const describe = (event: { type: string; after: any }) => (event.type === 'loop.stage_changed' ? `${event.type}:${event.after.stage}` : event.type);
    await waitFor(() => loop.received.length >= expected.length, 'every event of the loop');
    expect(loop.errors).toEqual([]);
    expect(loop.received.map(describe)).toEqual(expected);
    expect(loop.received.every((event) => event.recordKey === 'FB-1' || event.type !== 'loop.stage_changed')).toBe(true);

    await waitFor(() => theme.received.length >= 5, 'the stage changes under TH-1');
    expect(theme.received.map(describe)).toEqual(expected.filter((type) => type.startsWith('loop.stage_changed')).slice(1));
    const novaExpected = expected.filter((type) => type.startsWith('loop.')).slice(3);
    await waitFor(() => nova.received.length >= novaExpected.length, 'the loop events of nova');
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
