import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, LimitsConfig } from '../src/config/config';
import { SqlLogger } from '../src/database/sql-logger';
import { ErrorExtensions, startService, TestService } from './support/service';

const defaults = loadConfig({}).limits;
const withLimits = (changes: Partial<LimitsConfig>) => ({ limits: { ...defaults, ...changes } });

/** A full trace of one loop, as a product manager's page asks for it. */
const TRACE = `loop(key: "FB-1") {
  key stage stageEnteredAt waitingOn
  feedback { key title body origin organization voteCount submitter { name } projects tags }
  themes { theme { key title kind parent { key title } } rationale linkedBy { name } }
  blueprints { blueprint { key title implementationStatus targetRelease { name } } viaThemes { key } outcomes { result release { name } recordedBy { name } } }
  projects { project delivered blueprints { blueprint { key } } }
  stages { stage seconds }
  stageHistory { stage enteredAt leftAt }
  timeline { totalCount nodes { type occurredAt actor { name } before after } }
}`;

const aliases = (count: number, field: string) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join('\n')} }`;

/** What an answer says the operation cost. */
interface Cost {
  requested: number;
  nodes: number;
  remaining: number;
  limit: number;
  resetAt: string;
}

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; extensions: ErrorExtensions & { cost?: Cost; retryAfter?: number } }>; extensions?: { cost: Cost } };
}

async function post<T = unknown>(service: TestService, token: string | null, body: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer<T>['body'] };
}

/** What an operation is and is not allowed to cost: refused before it runs, and charged to its caller. */
describe('limits', () => {
  describe('with the default limits', () => {
    let service: TestService;
    let user: string;
    let pm: string;

    beforeAll(async () => {
      // Statements are counted process-wide: the webhook worker must not poll meanwhile.
      service = await startService({ webhooks: { ...loadConfig({}).webhooks, pollMs: 0 } });
      user = (await service.actor('USER', 'Uma')).token;
      pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
      await service.api.submitFeedback(user, { title: 'Resize volumes online', origin: 'USER', projects: ['cinder'] });
      await service.api.createTheme(pm, { title: 'Storage', kind: 'THEME' });
      await service.api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1' });
    });

    afterAll(() => service.close());

    /** Sends the operation and checks that it ran nothing: no more statements than a request that only authenticates. */
    async function refusedBeforeRunning(token: string, query: string): Promise<Answer> {
      const logger = service.app.get(SqlLogger);
      let before = logger.statements;
      await post(service, token, { query: '{ __typename }' });
      const authenticating = logger.statements - before;
      before = logger.statements;
      const answer = await post(service, token, { query });
      expect(logger.statements - before).toBe(authenticating);
      return answer;
    }

    it('refuses a million nodes nested through loops and themes, whoever asks', async () => {
      const nested = `{ loops(first: 100) { nodes { themes { theme { loops(first: 100) { nodes { themes { theme { loops(first: 100) { nodes { key stage } } } } } } } } } } }`;
      const answer = await refusedBeforeRunning(user, nested);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toBeUndefined();
      const [error] = answer.body.errors!;
      expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'nodes', limit: 50_000, depth: 11 });
      expect(error.extensions.nodes).toBeGreaterThan(1_000_000);
      expect(error.message).toMatch(/first/);
      expect(JSON.stringify(error.extensions)).not.toMatch(/http/);
    });

    it('refuses 500 aliases of a full trace, 2,000 of loopHealth and 500 of loopsCsv', async () => {
      const answers = {
        traces: await refusedBeforeRunning(pm, aliases(500, TRACE)),
        health: await refusedBeforeRunning(pm, aliases(2000, 'loopHealth { funnel { stage count } }')),
        csv: await refusedBeforeRunning(pm, aliases(500, 'loopsCsv')),
      };
      for (const answer of Object.values(answers)) expect(answer.body.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      // Beyond 20,000 selections a document is not even measured.
      expect(answers.traces.body.errors![0].extensions.exceeded).toBe('size');
      const fewer = await refusedBeforeRunning(pm, aliases(200, TRACE));
      expect(fewer.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'nodes' });
      expect(answers.health.body.errors![0].extensions).toMatchObject({ exceeded: 'cost', limit: 100_000, cost: expect.any(Number) });
      expect(answers.csv.body.errors![0].extensions.exceeded).toBe('cost');
    });

    it('refuses nesting deeper than 12 levels, counting through fragments', async () => {
      const deep = `{ loops(first: 1) { nodes { ...deeper } } }
        fragment deeper on Loop { themes { theme { parent { parent { parent { parent { parent { parent { parent { parent { key } } } } } } } } } } }`;
      const answer = await refusedBeforeRunning(user, deep);
      expect(answer.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'depth', depth: 13, limit: 12 });
      const skipped = await post(service, user, { query: deep.replace('{ ...deeper }', '{ key ...deeper @skip(if: true) }') });
      expect(skipped.body.errors).toBeUndefined();
      expect(skipped.body.extensions!.cost).toMatchObject({ nodes: 1 });
    });

    it('refuses a document too large to measure', async () => {
      const fragments = Array.from({ length: 16 }, (_, level) => `fragment f${level} on Loop { ${level === 15 ? 'key' : `...f${level + 1} ...f${level + 1}`} }`).join('\n');
      const answer = await refusedBeforeRunning(user, `{ loops(first: 1) { nodes { ...f0 } } } ${fragments}`);
      expect(answer.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'size' });
    });

    it('runs one full trace and a page of 100 traced loops, and says what each cost', async () => {
      const one = await post<{ loop: { key: string } }>(service, pm, { query: `{ ${TRACE} }` });
      expect(one.body.errors).toBeUndefined();
      expect(one.body.data!.loop.key).toBe('FB-1');
      const cost = one.body.extensions!.cost;
      expect(cost).toEqual({ requested: expect.any(Number), nodes: expect.any(Number), remaining: expect.any(Number), limit: 5_000_000, resetAt: expect.any(String) });
      expect(cost.requested).toBeGreaterThan(100);
      expect(cost.requested).toBeLessThan(defaults.maxCost / 50);
      expect(new Date(cost.resetAt).getTime()).toBeGreaterThan(service.clock.now().getTime());

      const page = await post(service, pm, {
        query: `{ loops(first: 100) { nodes { key stage waitingOn themes { theme { key title } } blueprints { blueprint { key } outcomes { result release { name } } } } } }`,
      });
      expect(page.body.errors).toBeUndefined();
      expect(page.body.extensions!.cost.nodes).toBeLessThan(defaults.maxNodes);
    });

    it('counts a connection at its page size, a plain list at ten, and weighs expensive fields', async () => {
      const costOf = async (query: string) => (await post(service, pm, { query })).body.extensions!.cost;
      expect(await costOf('{ __typename }')).toMatchObject({ requested: 1, nodes: 0 });
      expect(await costOf('{ loops { nodes { key } } }')).toMatchObject({ nodes: 20, requested: 20 });
      expect(await costOf('{ loops(first: 5) { edges { node { key } } pageInfo { hasNextPage } totalCount } }')).toMatchObject({ nodes: 5 });
      expect(await costOf('{ loops(first: 500) { nodes { key } } }')).toMatchObject({ nodes: 100 });
      expect(await costOf('{ loops(first: 2) { nodes { themes { theme { key } } } } }')).toMatchObject({ nodes: 2 * (1 + 10 * 2) });
      expect(await costOf('{ loopHealth { funnel { stage count } } }')).toMatchObject({ nodes: 1 + 10, requested: 1 + 10 + 1000 });
      expect(await costOf('query($n: Int) { loops(first: $n) { nodes { key } } }')).toMatchObject({ nodes: 20 });
      const variables = await post(service, pm, { query: 'query($n: Int) { loops(first: $n) { nodes { key } } }', variables: { n: 3 } });
      expect(variables.body.extensions!.cost.nodes).toBe(3);
      expect(await costOf('{ a: loops(first: 3) { nodes { key } } b: loops(first: 3) { nodes { key } } }')).toMatchObject({ nodes: 6 });
      expect(await costOf('{ loops(first: 3) { nodes { key } } ... @skip(if: true) { more: loops(first: 50) { nodes { key } } } }')).toMatchObject({ nodes: 3 });
    });

    it('lets the IDE introspect the schema however deep its query nests', async () => {
      const introspection = `{ __schema { types { name fields { name args { name type { ...typeRef } } type { ...typeRef } } } } }
        fragment typeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`;
      const answer = await post(service, null, { query: introspection });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.extensions!.cost.requested).toBe(1);
    });

    it('answers a variable that does not fit as BAD_USER_INPUT, naming it', async () => {
      const answer = await post(service, pm, { query: 'query($n: Int) { loops(first: $n) { totalCount } }', variables: { n: 'many' } });
      expect(answer.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(answer.body.errors![0].extensions.fields?.[0].field).toBe('n');
    });

    it('refuses a body over the limit before reading it, in the GraphQL error shape', async () => {
      const big = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(defaults.graphqlBodyBytes)}` });
      const answer = await post(service, pm, big);
      expect(answer.status).toBe(413);
      expect(answer.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'body' }] });
      expect(answer.body.errors![0].message).toMatch(/1048576 bytes/);
    });
  });

  describe('with a small budget per token', () => {
    let service: TestService;
    let pm: string;
    let other: string;

    beforeAll(async () => {
      // 3,600 an hour: one a second; a page of 20 loops costs 20.
      service = await startService(withLimits({ budgetPerHour: 3600, maxNodes: 500, maxCost: 1000, maxDepth: 4 }));
      pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
      other = (await service.actor('PRODUCT_MANAGER', 'Paz')).token;
    });

    afterAll(() => service.close());

    it('takes what each operation costs from its token, refuses with 429 when it runs dry, and refills as time passes', async () => {
      const page = { query: '{ loops(first: 100) { nodes { key } } }' };
      let answer = await post(service, pm, page);
      const start = answer.body.extensions!.cost.remaining;
      expect(start).toBe(3600 - 100);
      while (answer.status === 200) answer = await post(service, pm, page);
      expect(answer.status).toBe(429);
      expect(answer.body.data).toBeUndefined();
      const error = answer.body.errors![0];
      expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number), cost: { requested: 100 } });
      expect(error.extensions.cost?.remaining).toBeLessThan(100);
      expect(answer.headers.get('retry-after')).toBe(String(error.extensions.retryAfter));

      // Another token has its own budget.
      expect((await post(service, other, page)).status).toBe(200);

      service.clock.advanceSeconds(error.extensions.retryAfter!);
      const refilled = await post(service, pm, page);
      expect(refilled.status).toBe(200);
      service.clock.advanceSeconds(3600);
      expect((await post(service, pm, page)).body.extensions!.cost.remaining).toBe(3600 - 100);
    });

    it('costs a subscription when it subscribes, and refuses one over the limits with the same code', async () => {
      const client = createClient({
        url: service.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${other}` },
        retryAttempts: 0,
      });
      try {
        const deep = 'subscription { loopEvents { actor { notifications { nodes { id } } } } }';
        const refused = await new Promise<unknown>((resolve) => {
          client.subscribe({ query: deep }, { next: resolve, error: resolve, complete: () => resolve('completed without an error') });
        });
        expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', exceeded: 'depth', depth: 5 }) })]);
        expect(JSON.stringify(refused)).not.toMatch(/"http"/);
      } finally {
        await client.dispose();
      }
    });

    it('applies the configured per-request limits', async () => {
      const tooMany = await post(service, other, { query: aliases(6, 'loops(first: 100) { nodes { key } }') });
      expect(tooMany.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'nodes', limit: 500 });
      const tooDeep = await post(service, other, { query: '{ loops(first: 1) { nodes { themes { theme { key } } } } }' });
      expect(tooDeep.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'depth', limit: 4 });
      const tooCostly = await post(service, other, { query: '{ loopHealth { funnel { count } } }' });
      expect(tooCostly.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', exceeded: 'cost', limit: 1000 });
    });
  });

  describe('at the door', () => {
    let service: TestService;
    let pm: string;

    beforeAll(async () => {
      service = await startService(withLimits({ authFailuresPerMinute: 3, anonymousPerMinute: 5 }));
      pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    });

    afterAll(() => service.close());

    it('slows an address down after repeated bad tokens, without locking out a token it saw valid', async () => {
      expect((await post(service, pm, { query: '{ viewer { name } }' })).status).toBe(200);
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await post(service, `lt_guess-${attempt}`, { query: '{ viewer { name } }' });
        expect(answer.status).toBe(401);
        expect(answer.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
      }
      const throttled = await post(service, 'lt_guess-again', { query: '{ viewer { name } }' });
      expect(throttled.status).toBe(429);
      expect(throttled.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await post(service, pm, { query: '{ viewer { name } }' })).body.data).toEqual({ viewer: { name: 'Pat' } });
    });

    it('limits requests without a token per address', async () => {
      const statuses: number[] = [];
      for (let request = 0; request < 7; request++) statuses.push((await post(service, null, { query: '{ __typename }' })).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
    });

    it('echoes the request id, or gives one', async () => {
      const echoed = await post(service, pm, { query: '{ __typename }' }, { 'x-request-id': 'script-42' });
      expect(echoed.headers.get('x-request-id')).toBe('script-42');
      const given = await post(service, pm, { query: '{ __typename }' });
      expect(given.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
