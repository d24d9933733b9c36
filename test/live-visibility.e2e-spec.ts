import { openSocket, TestSocket, waitFor, watchEvents } from './support/sockets';
import { ADMIN_TOKEN, startService, TestService } from './support/service';

const ADMINISTRATION = ['actor.created', 'token.issued', 'token.revoked', 'webhook.registered'];

/** Live events show a subscriber what the same person may read through the API, and no more. */
describe('who hears which live events', () => {
  let service: TestService;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.client.dispose()));
    await service.close();
  });

  const socketOf = (token: string) => {
    const socket = openSocket(service, token);
    sockets.push(socket);
    return socket;
  };

  /** Administration first, then a request as a marker that everything before it was published. */
  async function administerThenSubmit(operator: string): Promise<void> {
    await service.ok(ADMIN_TOKEN, `mutation { createActor(input: { name: "Nora New", email: "nora@example.org", role: USER }) { actor { id } } }`);
    const issued = await service.ok(ADMIN_TOKEN, `mutation { issueToken(input: { actorEmail: "nora@example.org", label: "laptop" }) { apiToken { id } } }`);
    await service.ok(ADMIN_TOKEN, `mutation($id: ID!) { revokeToken(input: { tokenId: $id }) { apiToken { id } } }`, { id: issued.issueToken.apiToken.id });
    await service.ok(
      ADMIN_TOKEN,
      `mutation { registerWebhook(input: { url: "https://hooks.example.org/looptrace", events: ["loop.closed"], secret: "a-secret-of-sixteen+" }) { webhook { id } } }`,
    );
    await service.ok(operator, `mutation { submitFeedback(input: { title: "Resize volumes in use", origin: OPERATOR }) { feedback { key } } }`);
  }

  it('never sends events about actors, tokens or webhooks to anyone but admins, with or without a filter', async () => {
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    const roles = ['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER'];
    const tokens: string[] = [];
    for (const role of roles) tokens.push((await service.actor(role, `A ${role}`)).token);
    const unfiltered = [];
    for (const token of tokens) unfiltered.push(await watchEvents(service, socketOf(token)));
    const asking = await watchEvents(service, socketOf(tokens[0]), { types: ['actor.*', 'token.*', 'webhook.*', 'feedback.submitted'] });
    const admin = await watchEvents(service, socketOf(ADMIN_TOKEN));

    await administerThenSubmit(operator);

    for (const watch of [...unfiltered, asking, admin]) {
      await waitFor('the marker request', () => watch.received.some((event) => event.type === 'feedback.submitted'));
    }
    for (const [index, watch] of [...unfiltered, asking].entries()) {
      expect({ watcher: roles[index] ?? 'USER with a filter', errors: watch.errors, types: watch.received.map((event) => event.type) }).toEqual({
        watcher: roles[index] ?? 'USER with a filter',
        errors: [],
        types: ['feedback.submitted'],
      });
    }
    expect({ errors: admin.errors, types: admin.received.map((event) => event.type) }).toEqual({ errors: [], types: [...ADMINISTRATION, 'feedback.submitted'] });
  });

  it('shows the audit log the same events as live events, by the same rule', async () => {
    const pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    const types = async (token: string) =>
      (await service.ok(token, `{ events(first: 100) { nodes { type recordType } } }`)).events.nodes.map((event: { type: string }) => event.type);
    expect((await types(pm)).filter((type: string) => ADMINISTRATION.includes(type))).toEqual([]);
    expect(await types(ADMIN_TOKEN)).toEqual(expect.arrayContaining(ADMINISTRATION));
  });
});
