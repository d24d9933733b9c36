import { openSocket, TestSocket, watchEvents } from './support/sockets';
import { waitFor } from './support/wait';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

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
    const { api } = service;
    await api.createActor(ADMIN_TOKEN, { name: 'Nora New', email: 'nora@example.org', role: 'USER' });
    const issued = await api.issueToken(ADMIN_TOKEN, { actorEmail: 'nora@example.org', label: 'laptop' });
    await api.revokeToken(ADMIN_TOKEN, { tokenId: issued.apiToken.id });
    await api.registerWebhook(ADMIN_TOKEN, { url: 'https://hooks.example.org/looptrace', events: ['loop.closed'], secret: 'a-secret-of-sixteen+' });
    await api.submitFeedback(operator, { title: 'Resize volumes in use', origin: 'OPERATOR' });
  }

  it('never sends events about actors, tokens or webhooks to anyone but admins, with or without a filter', async () => {
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    const roles = ['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER'] as const;
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
      (await service.ok<{ events: { nodes: Array<{ type: string; recordType: string }> } }>(token, `{ events(first: 100) { nodes { type recordType } } }`)).events.nodes.map(
        (event) => event.type,
      );
    expect((await types(pm)).filter((type) => ADMINISTRATION.includes(type))).toEqual([]);
    expect(await types(ADMIN_TOKEN)).toEqual(expect.arrayContaining(ADMINISTRATION));
  });
});

/** A socket shows its token once, when it opens: revoking the token must end it at once. */
describe('revoking the token of an open socket', () => {
  let service: TestService;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.client.dispose()));
    await service.close();
  });

  async function issue(email: string, label: string): Promise<{ id: string; secret: string }> {
    const issued = await service.api.issueToken(ADMIN_TOKEN, { actorEmail: email, label });
    return { id: issued.apiToken.id, secret: issued.token };
  }

  it('closes its sockets with 4403 as soon as the revocation commits, and leaves the same person\'s other tokens open', async () => {
    const user = await service.actor('USER', 'Uma');
    const laptop = await issue(user.email, 'laptop');
    const phone = await issue(user.email, 'phone');
    const [first, second, other] = [laptop.secret, laptop.secret, phone.secret].map((secret) => {
      const socket = openSocket(service, secret);
      sockets.push(socket);
      return socket;
    });
    const watches = [await watchEvents(service, first), await watchEvents(service, second), await watchEvents(service, other)];

    await service.api.revokeToken(ADMIN_TOKEN, { tokenId: laptop.id });
    await waitFor('the revoked sockets to close', () => first.closedWith !== null && second.closedWith !== null);
    expect([first.closedWith, second.closedWith]).toEqual([4403, 4403]);

    await service.api.submitFeedback(user.token, { title: 'Shelve servers on a schedule', origin: 'USER' });
    await waitFor('the open socket to hear of the request', () => watches[2].received.length > 0);
    expect(watches.map((watch) => watch.received.map((event) => event.type))).toEqual([[], [], ['feedback.submitted']]);
    expect(other.closedWith).toBeNull();
  });

  it('refuses a new socket with a revoked token', async () => {
    const user = await service.actor('OPERATOR', 'Olga');
    const token = await issue(user.email, 'scripts');
    await service.api.revokeToken(ADMIN_TOKEN, { tokenId: token.id });
    const socket = openSocket(service, token.secret);
    sockets.push(socket);
    socket.client.subscribe({ query: `subscription { loopEvents { type } }` }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await waitFor('the socket to be refused', () => socket.closedWith !== null);
    expect(socket.closedWith).toBe(4403);
  });
});
