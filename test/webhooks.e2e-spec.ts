import { createHmac, timingSafeEqual } from 'node:crypto';
import dns from 'node:dns';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookConfig } from '../src/config/config';
import { SqlLogger } from '../src/database/sql-logger';
import { WebhookWorker } from '../src/webhooks/webhook-worker';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { GraphQLResponse, startService, TestService } from './support/service';
import { waitFor } from './support/wait';

const SECRET = 'whsec-looptrace-test-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with a request: answer with this status, or hold it open and never answer. */
type Answer = number | 'hang';

/** A webhook endpoint on the loopback interface that keeps every request it gets. */
class Receiver {
  readonly requests: Received[] = [];
  answer: (index: number) => Answer = () => 200;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = this.answer(this.requests.length);
      if (answer !== 'hang') response.writeHead(answer).end();
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/looptrace`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function expectSigned(request: Received, secret: string): void {
  const timestamp = String(request.headers['x-looptrace-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`);
  const given = Buffer.from(String(request.headers['x-looptrace-signature']));
  expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
}

const webhookConfig = (changes: Partial<WebhookConfig>) => ({ webhooks: { ...testConfig({ engine: 'sqlite', path: ':memory:' }).webhooks, ...changes } });

const REGISTER = `mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { webhook { id url events description active createdBy { email } } }
}`;
const DELIVERIES = `query($filter: WebhookDeliveryFilter) {
  webhookDeliveries(filter: $filter) {
    totalCount
    nodes {
      id status attempts nextAttemptAt lastStatusCode lastError deliveredAt createdAt
      event { type recordKey actor { email } }
      webhook { id url }
      attemptLog { attempt attemptedAt statusCode error durationMs }
    }
  }
}`;
const RETRY = `mutation($id: ID!) { retryWebhookDelivery(input: { id: $id }) { delivery { id status attempts nextAttemptAt } } }`;

interface Registered {
  registerWebhook: { webhook: { id: string; url: string; events: string[]; description: string | null; active: boolean; createdBy: { email: string } } };
}

/** What DELIVERIES selects of a delivery. */
interface Delivery {
  id: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  event: { type: string; recordKey: string; actor: { email: string } | null };
  webhook: { id: string; url: string };
  attemptLog: Array<{ attempt: number; attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

interface Deliveries {
  webhookDeliveries: { totalCount: number; nodes: Delivery[] };
}

describe('webhooks', () => {
  let receiver: Receiver;
  const services: TestService[] = [];

  const start = async (overrides: Parameters<typeof startService>[0] = {}) => {
    const service = await startService(overrides);
    services.push(service);
    return service;
  };

  const register = async (service: TestService, events: string[]) =>
    (await service.ok<Registered>(ADMIN_TOKEN, REGISTER, { input: { url: receiver.url, events, secret: SECRET } })).registerWebhook.webhook;

  const onlyDelivery = async (service: TestService) => {
    const { webhookDeliveries } = await service.ok<Deliveries>(ADMIN_TOKEN, DELIVERIES);
    expect(webhookDeliveries.totalCount).toBe(1);
    return webhookDeliveries.nodes[0];
  };

  /** Waits for the only delivery to reach the status, moving the service's clock on so that each retry falls due. */
  const settled = (service: TestService, status: string) =>
    waitFor(`a ${status} delivery`, async () => {
      service.clock.advanceSeconds(1);
      const delivery = await onlyDelivery(service);
      return delivery.status === status && delivery;
    });

  beforeEach(async () => {
    receiver = await new Receiver().start();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.close().catch(() => undefined);
    await receiver.stop();
  });

  it('POSTs each event a webhook asks for, signed, to admins only, and never shows the secret', async () => {
    const service = await start();
    const responses: GraphQLResponse[] = [];
    const call = async <T>(token: string, query: string, variables?: Record<string, unknown>) => {
      const response = await service.gql<T>(token, query, variables);
      responses.push(response);
      return response;
    };
    const pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    const operator = await service.actor('OPERATOR', 'Olga Operator');

    const invalid = await call(ADMIN_TOKEN, REGISTER, { input: { url: 'ftp://example.org/hook', events: ['Loop.Closed'], secret: 'too short' } });
    expect(invalid.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0].extensions?.fields?.map((problem) => problem.field).sort()).toEqual([
      'input.events',
      'input.secret',
      'input.url',
    ]);
    const empty = await call(ADMIN_TOKEN, REGISTER, { input: { url: receiver.url, events: [], secret: SECRET } });
    expect(empty.errors?.[0].extensions?.fields?.map((problem) => problem.field)).toEqual(['input.events']);

    for (const [query, variables] of [
      [REGISTER, { input: { url: receiver.url, events: ['*'], secret: SECRET } }],
      [`{ webhooks { totalCount } }`, {}],
      [DELIVERIES, {}],
      [RETRY, { id: '00000000-0000-4000-8000-000000000000' }],
    ] as const) {
      expect((await call(pm, query, variables)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await service.count('webhook')).toBe(0);

    const registered = await call<Registered>(ADMIN_TOKEN, REGISTER, {
      input: { url: receiver.url, events: ['feedback.*'], secret: SECRET, description: 'Triage bot' },
    });
    expect(registered.data?.registerWebhook.webhook).toEqual({
      id: '1',
      url: receiver.url,
      events: ['feedback.*'],
      description: 'Triage bot',
      active: true,
      createdBy: { email: 'admin@looptrace.invalid' },
    });

    await service.api.submitFeedback(operator.token, { title: 'Live migration without shared storage', origin: 'OPERATOR', projects: ['nova'] });
    const [request] = await waitFor('the POST', async () => receiver.requests.length > 0 && receiver.requests);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Looptrace-Webhooks',
      'x-looptrace-event': 'feedback.submitted',
      'x-looptrace-delivery': expect.stringMatching(UUID),
      'x-looptrace-timestamp': String(Math.floor(service.clock.now().getTime() / 1000)),
    });
    expectSigned(request, SECRET);
    expect(JSON.parse(request.body)).toEqual({
      id: request.headers['x-looptrace-delivery'],
      type: 'feedback.submitted',
      occurredAt: service.clock.now().toISOString(),
      actor: { name: 'Olga Operator', role: 'OPERATOR', organization: 'Example Cloud' },
      loopKey: 'FB-1',
      data: {
        recordType: 'feedback',
        recordKey: 'FB-1',
        before: null,
        after: { title: 'Live migration without shared storage', origin: 'OPERATOR', projects: ['nova'], tags: [] },
        loopKeys: ['FB-1'],
      },
    });

    const delivered = await waitFor('the delivery to settle', async () => {
      const delivery = (await call<Deliveries>(ADMIN_TOKEN, DELIVERIES)).data?.webhookDeliveries.nodes[0];
      return delivery?.status === 'DELIVERED' && delivery;
    });
    expect(delivered).toMatchObject({
      id: request.headers['x-looptrace-delivery'],
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: expect.any(String),
      event: { type: 'feedback.submitted', recordKey: 'FB-1', actor: { email: operator.email } },
      webhook: { id: '1', url: receiver.url },
      attemptLog: [{ attempt: 1, attemptedAt: expect.any(String), statusCode: 200, error: null, durationMs: expect.any(Number) }],
    });
    await service.app.get(WebhookWorker).deliverDue();
    expect(receiver.requests).toHaveLength(1);

    const paused = await call<{ updateWebhook: { webhook: { active: boolean } } }>(
      ADMIN_TOKEN,
      `mutation { updateWebhook(input: { id: "1", active: false, secret: "whsec-rotated-0123456789" }) { webhook { active } } }`,
    );
    expect(paused.data?.updateWebhook.webhook).toEqual({ active: false });
    await service.api.submitFeedback(operator.token, { title: 'Cells v2 quotas', origin: 'OPERATOR', projects: ['nova'] });
    await service.app.get(WebhookWorker).deliverDue();
    expect(await service.count('webhook_delivery')).toBe(1);
    expect(receiver.requests).toHaveLength(1);

    const history = await call<{ events: { nodes: unknown[] }; webhooks: unknown }>(
      ADMIN_TOKEN,
      `{ events(filter: { recordKey: "webhook-1" }) { nodes { type before after data } } webhooks { totalCount nodes { id events active } } }`,
    );
    expect(history.data?.events.nodes).toEqual([
      { type: 'webhook.updated', before: { active: true }, after: { active: false }, data: { secretChanged: true } },
      {
        type: 'webhook.registered',
        before: null,
        after: { url: receiver.url, events: ['feedback.*'], description: 'Triage bot', active: true },
        data: null,
      },
    ]);
    expect(history.data?.webhooks).toEqual({ totalCount: 1, nodes: [{ id: '1', events: ['feedback.*'], active: false }] });

    const asked = await call(ADMIN_TOKEN, `{ webhooks { nodes { secret } } }`);
    expect(asked.errors?.[0].message).toMatch(/Cannot query field "secret"/);
    for (const response of responses) {
      expect(JSON.stringify(response)).not.toContain(SECRET);
      expect(JSON.stringify(response)).not.toContain('whsec-rotated-0123456789');
    }
  });

  it('retries a failing receiver under the same delivery id until it answers 2xx', async () => {
    const service = await start();
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    receiver.answer = (index) => (index <= 2 ? 500 : 200);
    await register(service, ['feedback.submitted']);

    await service.api.submitFeedback(operator, { title: 'Rolling upgrades of the agents', origin: 'OPERATOR', projects: ['nova'] });
    const delivery = await settled(service, 'DELIVERED');

    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(delivery.attemptLog.map(({ attempt, statusCode, error }) => ({ attempt, statusCode, error }))).toEqual([
      { attempt: 1, statusCode: 500, error: 'HTTP 500 Internal Server Error' },
      { attempt: 2, statusCode: 500, error: 'HTTP 500 Internal Server Error' },
      { attempt: 3, statusCode: 200, error: null },
    ]);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((request) => request.headers['x-looptrace-delivery']))).toEqual(new Set([delivery.id]));
    expect(new Set(receiver.requests.map((request) => request.body)).size).toBe(1);
    receiver.requests.forEach((request) => expectSigned(request, SECRET));

    const again = await service.gql(ADMIN_TOKEN, RETRY, { id: delivery.id });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('gives up on a receiver that never answers, and delivers once an admin retries', async () => {
    const service = await start(webhookConfig({ pollMs: 50, timeoutMs: 200, maxAttempts: 3, retryBaseMs: 20 }));
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    const pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    receiver.answer = () => 'hang';
    await register(service, ['feedback.submitted']);

    await service.api.submitFeedback(operator, { title: 'Maintenance mode for compute hosts', origin: 'OPERATOR', projects: ['nova'] });
    const dead = await settled(service, 'DEAD');
    expect(dead).toMatchObject({ attempts: 3, lastStatusCode: null, lastError: 'no answer within 200 ms', nextAttemptAt: null, deliveredAt: null });
    expect(dead.attemptLog.map(({ attempt, statusCode, error }) => ({ attempt, statusCode, error }))).toEqual([
      { attempt: 1, statusCode: null, error: 'no answer within 200 ms' },
      { attempt: 2, statusCode: null, error: 'no answer within 200 ms' },
      { attempt: 3, statusCode: null, error: 'no answer within 200 ms' },
    ]);

    expect((await service.gql(pm, RETRY, { id: dead.id })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    receiver.answer = () => 204;
    const retried = await service.ok<{ retryWebhookDelivery: { delivery: unknown } }>(ADMIN_TOKEN, RETRY, { id: dead.id });
    expect(retried.retryWebhookDelivery.delivery).toEqual({ id: dead.id, status: 'PENDING', attempts: 0, nextAttemptAt: expect.any(String) });

    const delivered = await settled(service, 'DELIVERED');
    expect(delivered).toMatchObject({ attempts: 1, lastStatusCode: 204, lastError: null });
    expect(delivered.attemptLog.map(({ attempt, statusCode }) => ({ attempt, statusCode }))).toEqual([
      { attempt: 1, statusCode: null },
      { attempt: 2, statusCode: null },
      { attempt: 3, statusCode: null },
      { attempt: 4, statusCode: 204 },
    ]);
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((request) => request.headers['x-looptrace-delivery']))).toEqual(new Set([dead.id]));

    const history = await service.ok<{ events: { nodes: unknown[] } }>(ADMIN_TOKEN, `{ events(filter: { types: ["webhook.delivery_retried"] }) { nodes { recordKey before after data } } }`);
    expect(history.events.nodes).toEqual([
      {
        recordKey: 'webhook-1',
        before: { status: 'DEAD', attempts: 3 },
        after: { status: 'PENDING', attempts: 0 },
        data: { deliveryId: dead.id, eventId: expect.any(Number) },
      },
    ]);
  });

  it('sends an event recorded before a restart exactly once after it', async () => {
    const before = await start(webhookConfig({ pollMs: 0 }));
    const operator = (await before.actor('OPERATOR', 'Olga Operator')).token;
    await register(before, ['feedback.submitted']);
    await before.api.submitFeedback(operator, { title: 'Shelve instances without losing their IPs', origin: 'OPERATOR', projects: ['nova'] });
    expect(await before.count('webhook_delivery')).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    await before.app.close();

    const after = await start({ database: before.database });
    await waitFor('the POST', async () => receiver.requests.length > 0);
    const delivery = await waitFor('the delivery to settle', async () => {
      const only = await onlyDelivery(after);
      return only.status === 'DELIVERED' && only;
    });
    const worker = after.app.get(WebhookWorker);
    await worker.deliverDue();
    after.clock.advanceSeconds(3600);
    await worker.deliverDue();
    await worker.deliverDue();

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].headers['x-looptrace-delivery']).toBe(delivery.id);
    expect(delivery.attemptLog).toHaveLength(1);
  });

  it('names the submitter and the voters to notify when a loop is closed', async () => {
    const service = await start();
    const operator = await service.actor('OPERATOR', 'Olga Operator');
    const user = await service.actor('USER', 'Uma User');
    const otherOperator = await service.actor('OPERATOR', 'Otto Operator');
    const pm = await service.actor('PRODUCT_MANAGER', 'Pat Manager');
    await register(service, ['loop.closed']);

    await service.api.submitFeedback(operator.token, { title: 'Quotas per domain', origin: 'OPERATOR', projects: ['nova'] });
    await service.api.voteFeedback(user.token, { key: 'FB-1' });
    await service.api.voteFeedback(otherOperator.token, { key: 'FB-1' });
    await service.api.closeLoop(pm.token, { key: 'FB-1', resolution: 'DELIVERED', note: 'Keystone does it since Pike' });

    const [request] = await waitFor('the POST', async () => receiver.requests.length > 0 && receiver.requests);
    expect(request.headers['x-looptrace-event']).toBe('loop.closed');
    expectSigned(request, SECRET);
    expect(JSON.parse(request.body)).toEqual({
      id: request.headers['x-looptrace-delivery'],
      type: 'loop.closed',
      occurredAt: expect.any(String),
      actor: { name: 'Pat Manager', role: 'PRODUCT_MANAGER', organization: 'Example Cloud' },
      loopKey: 'FB-1',
      data: {
        recordType: 'feedback',
        recordKey: 'FB-1',
        before: { resolution: null },
        after: { resolution: 'DELIVERED' },
        note: 'Keystone does it since Pike',
        loopKeys: ['FB-1'],
        notify: [
          { name: 'Olga Operator', role: 'OPERATOR', organization: 'Example Cloud', relation: 'submitter' },
          { name: 'Uma User', role: 'USER', organization: 'Example Cloud', relation: 'voter' },
          { name: 'Otto Operator', role: 'OPERATOR', organization: 'Example Cloud', relation: 'voter' },
        ],
      },
    });
    await service.app.get(WebhookWorker).deliverDue();
    expect(receiver.requests).toHaveLength(1);
  });

  it('finishes the send in flight, and records it, before it shuts down', async () => {
    const service = await start(webhookConfig({ pollMs: 50, timeoutMs: 300 }));
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    receiver.answer = () => 'hang';
    await register(service, ['feedback.submitted']);
    await service.api.submitFeedback(operator, { title: 'Graceful shutdown of the conductor', origin: 'OPERATOR', projects: ['nova'] });
    await waitFor('the POST', async () => receiver.requests.length > 0);
    await service.app.close();

    const reopened = await start({ ...webhookConfig({ pollMs: 0 }), database: service.database });
    expect(await onlyDelivery(reopened)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'no answer within 300 ms',
      attemptLog: [{ attempt: 1, statusCode: null, error: 'no answer within 300 ms' }],
    });
  });

  it('lists a page of deliveries with as many statements as a smaller page', async () => {
    const service = await start(webhookConfig({ pollMs: 0 }));
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    await register(service, ['feedback.submitted']);
    await register(service, ['*']);
    for (let item = 1; item <= 12; item++) await service.api.submitFeedback(operator, { title: `Request number ${item}`, origin: 'OPERATOR', projects: ['nova'] });
    const worker = service.app.get(WebhookWorker);
    while ((await worker.deliverDue()) > 0);

    const logger = service.app.get(SqlLogger);
    const statementsFor = async (first: number) => {
      const before = logger.statements;
      const data = await service.ok<{ webhookDeliveries: { nodes: Array<{ attemptLog: unknown[] }> } }>(
        ADMIN_TOKEN,
        `query($first: Int) {
          webhookDeliveries(first: $first) { nodes { id event { type actor { name } loopKeys } webhook { url createdBy { email } } attemptLog { attempt } } }
        }`,
        { first },
      );
      expect(data.webhookDeliveries.nodes).toHaveLength(first);
      expect(data.webhookDeliveries.nodes.every((node) => node.attemptLog.length === 1)).toBe(true);
      return logger.statements - before;
    };
    await statementsFor(2);
    expect(await statementsFor(20)).toBe(await statementsFor(2));
  });
});

/** A public address (example.com's) that the fake DNS answers with; nothing ever connects to it. */
const PUBLIC_ADDRESS = '93.184.215.14';

/** Answers DNS for one name with the address the test sets, as the resolver would; every other name goes to the system's resolver. */
function fakeDns(name: string) {
  const system = dns.lookup;
  let answer = PUBLIC_ADDRESS;
  const asked: string[] = [];
  const spy = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, options: unknown, callback?: unknown) => {
    if (hostname !== name) return (system as (...args: unknown[]) => void)(hostname, options, callback);
    asked.push(answer);
    const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    const family = answer.includes(':') ? 6 : 4;
    process.nextTick(() => (all ? done(null, [{ address: answer, family }]) : done(null, answer, family)));
  }) as unknown as typeof dns.lookup);
  return {
    answerWith: (address: string) => (answer = address),
    /** The answers given so far, in order. */
    asked,
    restore: () => spy.mockRestore(),
  };
}

describe('webhook addresses', () => {
  let receiver: Receiver;
  let names: ReturnType<typeof fakeDns>;
  const services: TestService[] = [];
  const NAME = 'hooks.example.org';

  const start = async (overrides: Parameters<typeof startService>[0] = {}) => {
    const service = await startService(overrides);
    services.push(service);
    return service;
  };
  const refusedFields = (response: GraphQLResponse) => {
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    return response.errors?.[0].extensions?.fields?.map((problem) => problem.field);
  };
  const deliveries = async (service: TestService) => (await service.ok<Deliveries>(ADMIN_TOKEN, DELIVERIES)).webhookDeliveries.nodes;
  const webhookEvents = async (service: TestService) =>
    Number((await service.sql<{ n: string | number }>(`SELECT COUNT(*) AS n FROM loop_event WHERE type LIKE 'webhook.%'`))[0].n);

  beforeEach(async () => {
    receiver = await new Receiver().start();
    names = fakeDns(NAME);
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.close().catch(() => undefined);
    names.restore();
    await receiver.stop();
  });

  it('refuses URLs into the service’s own network, with credentials, or for unknown events, and writes nothing', async () => {
    const service = await start(webhookConfig({ pollMs: 0, allowPrivateNetworks: false }));
    const port = new URL(receiver.url).port;
    const inside = [
      'http://169.254.169.254/latest/meta-data/',
      `http://127.0.0.1:${port}/hooks/looptrace`,
      'http://localhost/hooks',
      'http://LOCALHOST./hooks',
      'http://api.localhost/hooks',
      'http://[::1]/hooks',
      'http://0x7f000001/hooks',
      'http://2130706433/hooks',
      'http://0177.0.0.1/hooks',
      'http://127.1/hooks',
      'http://[::ffff:169.254.169.254]/hooks',
      'http://[::ffff:a9fe:a9fe]/hooks',
      'http://[64:ff9b::a9fe:a9fe]/hooks',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata/computeMetadata/v1/',
      'http://10.0.0.5/hooks',
      'http://172.16.0.1/hooks',
      'http://172.31.255.254/hooks',
      'http://192.168.1.10/hooks',
      'http://100.64.0.1/hooks',
      'http://[fc00::1]/hooks',
      'http://[fd12:3456::1]/hooks',
      'http://[fe80::1]/hooks',
      'http://0.0.0.0/hooks',
      'http://0/hooks',
      'http://[::]/hooks',
      'http://224.0.0.251/hooks',
      'http://[ff02::1]/hooks',
      'http://255.255.255.255/hooks',
      `https://user:secret@${NAME}/hooks`,
      `https://${NAME}@127.0.0.1/hooks`,
      'http://[fe80::1%25eth0]/hooks',
    ];
    for (const url of inside) {
      const response = await service.gql(ADMIN_TOKEN, REGISTER, { input: { url, events: ['loop.closed'], secret: SECRET } });
      expect({ url, fields: refusedFields(response) }).toEqual({ url, fields: ['input.url'] });
    }

    names.answerWith('10.20.30.40');
    const resolvedInside = await service.gql(ADMIN_TOKEN, REGISTER, { input: { url: `https://${NAME}/hooks`, events: ['loop.closed'], secret: SECRET } });
    expect(refusedFields(resolvedInside)).toEqual(['input.url']);
    expect(resolvedInside.errors?.[0].message).toContain(`${NAME} resolves to 10.20.30.40`);

    for (const events of [['loop.nonsense'], ['nonsense.*'], ['loop.closed', 'loop.closed_again'], ['loop.stage.*'], ['webhook.registered'], ['.*']]) {
      const response = await service.gql(ADMIN_TOKEN, REGISTER, { input: { url: `https://${NAME}/hooks`, events, secret: SECRET } });
      expect({ events, fields: refusedFields(response) }).toEqual({ events, fields: ['input.events'] });
    }
    expect(await service.count('webhook')).toBe(0);
    expect(await webhookEvents(service)).toBe(0);

    names.answerWith(PUBLIC_ADDRESS);
    const registered = await service.ok<Registered>(ADMIN_TOKEN, REGISTER, {
      input: { url: `https://${NAME}/hooks`, events: ['loop.*', 'feedback.submitted', '*', 'link.*'], secret: SECRET },
    });
    expect(registered.registerWebhook.webhook).toMatchObject({ url: `https://${NAME}/hooks`, events: ['loop.*', 'feedback.submitted', '*', 'link.*'] });

    const UPDATE = `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { url events } } }`;
    for (const input of [
      { id: '1', url: 'http://169.254.169.254/latest/meta-data/' },
      { id: '1', url: 'http://[::ffff:127.0.0.1]/hooks' },
      { id: '1', url: `https://admin:admin@${NAME}/hooks` },
    ]) {
      expect(refusedFields(await service.gql(ADMIN_TOKEN, UPDATE, { input }))).toEqual(['input.url']);
    }
    expect(refusedFields(await service.gql(ADMIN_TOKEN, UPDATE, { input: { id: '1', events: ['loop.nonsense'] } }))).toEqual(['input.events']);
    names.answerWith('fd00::7');
    expect(refusedFields(await service.gql(ADMIN_TOKEN, UPDATE, { input: { id: '1', url: `https://${NAME}/other` } }))).toEqual(['input.url']);
    expect((await service.ok<{ webhooks: { nodes: unknown[] } }>(ADMIN_TOKEN, `{ webhooks { nodes { url events } } }`)).webhooks.nodes).toEqual([
      { url: `https://${NAME}/hooks`, events: ['loop.*', 'feedback.submitted', '*', 'link.*'] },
    ]);
    expect(await webhookEvents(service)).toBe(1);
  });

  it('checks the name again when it delivers, and refuses a name that has turned private since', async () => {
    const service = await start(webhookConfig({ pollMs: 50, retryBaseMs: 20, maxAttempts: 2, allowPrivateNetworks: false }));
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    const url = `http://${NAME}:${new URL(receiver.url).port}/hooks/looptrace`;
    await service.ok(ADMIN_TOKEN, REGISTER, { input: { url, events: ['feedback.submitted'], secret: SECRET } });
    expect(names.asked).toEqual([PUBLIC_ADDRESS]);

    names.answerWith('127.0.0.1');
    await service.api.submitFeedback(operator, { title: 'Evacuate hosts without shared storage', origin: 'OPERATOR', projects: ['nova'] });
    const dead = await waitFor('the delivery to die', async () => {
      service.clock.advanceSeconds(1);
      const [delivery] = await deliveries(service);
      return delivery?.status === 'DEAD' && delivery;
    });
    const refusal = `refused: ${NAME} resolves to 127.0.0.1, a loopback address`;
    expect(dead).toMatchObject({ attempts: 2, lastStatusCode: null, lastError: refusal });
    expect(dead.attemptLog.map(({ statusCode, error }: Record<string, unknown>) => ({ statusCode, error }))).toEqual([
      { statusCode: null, error: refusal },
      { statusCode: null, error: refusal },
    ]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses to deliver to an address of its own network that was registered while they were allowed', async () => {
    const before = await start(webhookConfig({ pollMs: 0 }));
    const operator = (await before.actor('OPERATOR', 'Olga Operator')).token;
    await before.ok(ADMIN_TOKEN, REGISTER, { input: { url: receiver.url, events: ['feedback.submitted'], secret: SECRET } });
    await before.api.submitFeedback(operator, { title: 'Resize volumes in use', origin: 'OPERATOR', projects: ['nova'] });
    await before.app.close();

    const after = await start({ ...webhookConfig({ pollMs: 0, allowPrivateNetworks: false }), database: before.database });
    await after.app.get(WebhookWorker).deliverDue();
    const [delivery] = await deliveries(after);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'refused: 127.0.0.1 is a loopback address' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('connects to the address it checked', async () => {
    const service = await start();
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    names.answerWith('127.0.0.1');
    const port = new URL(receiver.url).port;
    await service.ok(ADMIN_TOKEN, REGISTER, { input: { url: `http://${NAME}:${port}/hooks/looptrace`, events: ['feedback.submitted'], secret: SECRET } });
    await service.api.submitFeedback(operator, { title: 'Name the hosts in the scheduler logs', origin: 'OPERATOR', projects: ['nova'] });

    const [request] = await waitFor('the POST', async () => receiver.requests.length > 0 && receiver.requests);
    expect(request.headers.host).toBe(`${NAME}:${port}`);
    expectSigned(request, SECRET);
    expect(names.asked).toEqual(['127.0.0.1']);
  });
});
