import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMIN_TOKEN } from './support/config';
import { ErrorExtensions, startService, TestService } from './support/service';

/** A cursor as a client could forge it: any JSON, encoded the way the service encodes its own. */
const forgedCursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** What must never reach a client: the generic internal error, a stack, a file path, SQL or a runtime's own message. */
const INTERNAL = /INTERNAL_SERVER_ERROR|Internal server error|\bat \w+ \(|\.(?:ts|js):\d+|node_modules|SELECT|INSERT|sqlite|call stack|Cannot read/i;

/** Bad input is refused naming each field, and nothing is half-written; unknown keys are NOT_FOUND. */
describe('bad input and unknown records', () => {
  let service: TestService;
  let operator: string;
  let pm: string;
  let lead: string;

  beforeAll(async () => {
    service = await startService();
    operator = (await service.actor('OPERATOR', 'Olga')).token;
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;
    await service.api.submitFeedback(operator, { title: 'Live migration of pinned instances', origin: 'OPERATOR' });
  });

  afterAll(() => service.close());

  const tables = ['actor', 'api_token', 'feedback_item', 'feedback_project', 'feedback_tag', 'feedback_vote', 'theme', 'blueprint', 'release', 'loop_event', 'loop_event_loop'];
  const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await service.count(table)])));

  async function expectRefused(token: string, query: string, variables: Record<string, unknown>, fields: string[]) {
    const before = await snapshot();
    const result = await service.gql(token, query, variables);
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0];
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = error.extensions?.fields;
    expect(problems?.map((problem) => problem.field).sort()).toEqual([...fields].sort());
    for (const problem of problems ?? []) expect(problem.message).toEqual(expect.any(String));
    expect(JSON.stringify(result)).not.toMatch(/SELECT|INSERT|sqlite|\bat \w+ \(/i);
    expect(await snapshot()).toEqual(before);
    return error;
  }

  const SUBMIT = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { key } } }`;

  it('names every offending field of a submission', async () => {
    const error = await expectRefused(
      operator,
      SUBMIT,
      { input: { title: 'no', origin: 'USER', projects: ['nova', 'not a project!'], sourceUrl: 'javascript:alert(1)', body: 'x'.repeat(20001) } },
      ['input.title', 'input.projects', 'input.sourceUrl', 'input.body'],
    );
    expect(error.extensions?.fields).toContainEqual({ field: 'input.title', message: expect.stringMatching(/3 characters/) });
  });

  it('names a value outside an enum and a missing required field', async () => {
    await expectRefused(operator, SUBMIT, { input: { title: 'Quotas per domain', origin: 'ROBOT' } }, ['input.origin']);
    await expectRefused(operator, SUBMIT, { input: { origin: 'USER' } }, ['input.title']);
  });

  it('names malformed keys', async () => {
    await expectRefused(pm, `mutation($input: TriageFeedbackInput!) { triageFeedback(input: $input) { feedback { key } } }`, { input: { key: '42' } }, ['input.key']);
    await expectRefused(
      pm,
      `mutation($input: FeedbackThemeLinkInput!) { linkFeedbackToTheme(input: $input) { theme { key } } }`,
      { input: { feedbackKey: 'FB-1', themeKey: 'theme seven' } },
      ['input.themeKey'],
    );
  });

  it('refuses a blueprint link naming both or neither end', async () => {
    await service.api.createBlueprint(lead, { project: 'nova', name: 'pinned-migration', title: 'Live-migrate pinned instances' });
    const link = `mutation($input: BlueprintLinkInput!) { linkBlueprint(input: $input) { blueprint { key } } }`;
    await expectRefused(lead, link, { input: { project: 'nova', name: 'pinned-migration' } }, ['input.themeKey', 'input.feedbackKey']);
    await expectRefused(lead, link, { input: { project: 'nova', name: 'pinned-migration', themeKey: 'TH-1', feedbackKey: 'FB-1' } }, [
      'input.themeKey',
      'input.feedbackKey',
    ]);
  });

  it('refuses a theme under a narrower or equal kind', async () => {
    await service.api.createTheme(pm, { title: 'Pinned instances gap', kind: 'GAP' });
    await expectRefused(pm, `mutation($input: CreateThemeInput!) { createTheme(input: $input) { theme { key } } }`, { input: { title: 'Compute', kind: 'EPIC', parentKey: 'TH-1' } }, [
      'input.parentKey',
    ]);
  });

  it('refuses bad dates and list arguments', async () => {
    await expectRefused(pm, `mutation($input: CreateReleaseInput!) { createRelease(input: $input) { release { name } } }`, { input: { name: 'Pike', startsOn: '2017-02-31' } }, [
      'input.startsOn',
    ]);
    await expectRefused(pm, `query($first: Int) { loops(first: $first) { totalCount } }`, { first: -1 }, ['first']);
    await expectRefused(pm, `query($after: String) { loops(after: $after) { totalCount } }`, { after: 'not-a-cursor' }, ['after']);
    await expectRefused(pm, `{ loops(filter: { stalledForDays: -3 }) { totalCount } }`, {}, ['filter.stalledForDays']);
  });

  it('reports a query that does not fit the schema as bad input', async () => {
    const result = await service.gql(pm, `{ loops { nonsense } }`);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const syntax = await service.gql(pm, `{ loops { `);
    expect(syntax.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers null for an unknown key in a query, and NOT_FOUND naming the field in a mutation', async () => {
    const data = await service.ok(pm, `{ feedback(key: "FB-999") { key } loop(key: "FB-999") { key } theme(key: "TH-999") { key } blueprint(project: "nova", name: "nope") { key } release(name: "Zyzzyva") { name } }`);
    expect(data).toEqual({ feedback: null, loop: null, theme: null, blueprint: null, release: null });
    const before = await snapshot();
    const missing = await service.gql(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-999", themeKey: "TH-1" }) { theme { key } } }`);
    expect(missing.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'input.feedbackKey' });
    const outcome = await service.gql(pm, `mutation { recordReleaseOutcome(input: { project: "nova", name: "pinned-migration", release: "Zyzzyva", result: DELIVERED }) { outcome { id } } }`);
    expect(outcome.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'input.release' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses duplicates of unique records as CONFLICT', async () => {
    const blueprint = await service.gql(lead, `mutation { createBlueprint(input: { project: "NOVA", name: "Pinned-Migration", title: "Again" }) { blueprint { key } } }`);
    expect(blueprint.errors?.[0].extensions?.code).toBe('CONFLICT');
    const release = await service.gql(pm, `mutation { createRelease(input: { name: "pike" }) { release { name } } }`);
    expect(release.errors?.[0].extensions?.code).toBe('CONFLICT');
    const vote = await service.gql(operator, `mutation { voteFeedback(input: { key: "FB-1" }) { feedback { key } } }`);
    expect(vote.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  const UNSTORABLE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

  it('refuses NUL and lone surrogates in every string argument, at any depth, before any other rule', async () => {
    const title = await expectRefused(operator, SUBMIT, { input: { title: 'abc\u0000def', origin: 'USER' } }, ['input.title']);
    expect(title.extensions?.fields).toEqual([{ field: 'input.title', message: UNSTORABLE }]);
    await expectRefused(operator, SUBMIT, { input: { title: 'Pinned instances', origin: 'USER', projects: ['nova', 'neutron\u0000'], tags: ['a\udc00b'] } }, [
      'input.projects',
      'input.tags',
    ]);
    const email = await expectRefused(
      ADMIN_TOKEN,
      `mutation($input: CreateActorInput!) { createActor(input: $input) { actor { id } } }`,
      { input: { name: 'Mallory', email: 'a\ud800@x.org', role: 'USER' } },
      ['input.email'],
    );
    expect(email.extensions?.fields).toEqual([{ field: 'input.email', message: UNSTORABLE }]);
    await expectRefused(pm, `query($query: String!) { search(query: $query) { totalCount } }`, { query: 'live\u0000migration' }, ['query']);
    await expectRefused(pm, `query($filter: FeedbackFilter) { feedbackItems(filter: $filter) { totalCount } }`, { filter: { organization: 'Example\u0000Cloud' } }, [
      'filter.organization',
    ]);
    const key = await expectRefused(pm, `{ feedback(key: "FB-1\\u0000") { key } }`, {}, ['key']);
    expect(key.extensions?.fields).toEqual([{ field: 'key', message: UNSTORABLE }]);
  });

  it('answers ids and key numbers beyond 2^31-1 as bad input, alike on both engines', async () => {
    await expectRefused(ADMIN_TOKEN, `mutation { revokeToken(input: { tokenId: "2147483648" }) { apiToken { id } } }`, {}, ['input.tokenId']);
    await expectRefused(operator, `mutation { markNotificationsRead(input: { ids: ["1", "2147483648"] }) { unreadCount } }`, {}, ['input.ids']);
    await expectRefused(ADMIN_TOKEN, `mutation { updateWebhook(input: { id: "2147483648", active: false }) { webhook { id } } }`, {}, ['input.id']);
    await expectRefused(ADMIN_TOKEN, `mutation { retryWebhookDelivery(input: { id: "2147483648" }) { delivery { id } } }`, {}, ['input.id']);
    await expectRefused(ADMIN_TOKEN, `{ webhookDeliveries(filter: { webhookId: "2147483648" }) { totalCount } }`, {}, ['filter.webhookId']);
    await expectRefused(ADMIN_TOKEN, `{ importJob(id: "2147483648") { id } }`, {}, ['id']);
    await expectRefused(pm, `{ feedback(key: "FB-2147483648") { key } }`, {}, ['key']);
    await expectRefused(pm, `{ theme(key: "TH-99999999999") { key } }`, {}, ['key']);
    await expectRefused(pm, `{ loop(key: "FB-2147483648") { key } }`, {}, ['key']);
    await expectRefused(pm, `{ events(filter: { loopKey: "FB-2147483648" }) { totalCount } }`, {}, ['filter.loopKey']);
    await expectRefused(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-2147483648", themeKey: "TH-1" }) { theme { key } } }`, {}, ['input.feedbackKey']);
    await expectRefused(pm, `mutation { mergeFeedback(input: { duplicateKey: "FB-1", survivorKey: "FB-4294967296" }) { survivor { key } } }`, {}, ['input.survivorKey']);
    // A position the next release, placed after it by default, could not take.
    await expectRefused(pm, `mutation { createRelease(input: { name: "Zenith", sequence: 2147483647 }) { release { name } } }`, {}, ['input.sequence']);

    // The largest id is an id like any other: unknown, so null in a query and NOT_FOUND in a mutation.
    expect(await service.ok(pm, `{ feedback(key: "FB-2147483647") { key } }`)).toEqual({ feedback: null });
    const revoked = await service.gql(ADMIN_TOKEN, `mutation { revokeToken(input: { tokenId: "2147483647" }) { apiToken { id } } }`);
    expect(revoked.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'input.tokenId' });
  });

  it('refuses forged cursors and times no engine keeps alike', async () => {
    const paged = (field: string) => `query($after: String) { ${field}(after: $after) { totalCount } }`;
    await expectRefused(pm, paged('themes'), { after: forgedCursor([2147483648]) }, ['after']);
    await expectRefused(pm, paged('themes'), { after: forgedCursor(['TH-1']) }, ['after']);
    await expectRefused(pm, paged('feedbackItems'), { after: forgedCursor(['yesterday', 1]) }, ['after']);
    await expectRefused(pm, paged('blueprints'), { after: forgedCursor(['nova\u0000', 'x', 1]) }, ['after']);
    await expectRefused(pm, `query($after: String) { search(query: "migration", after: $after) { totalCount } }`, { after: forgedCursor({ offset: 1e300 }) }, ['after']);
    await expectRefused(pm, `{ events(filter: { since: "-271821-04-20T00:00:00Z" }) { totalCount } }`, {}, ['filter.since']);
    await expectRefused(pm, `{ events(filter: { until: "+275760-09-13T00:00:00Z" }) { totalCount } }`, {}, ['filter.until']);

    const page = await service.ok<{ themes: { pageInfo: { endCursor: string } } }>(pm, `{ themes(first: 1) { pageInfo { endCursor } } }`);
    expect((await service.ok<{ themes: { totalCount: number } }>(pm, paged('themes'), { after: page.themes.pageInfo.endCursor })).themes.totalCount).toBeGreaterThan(0);
  });

  it('rolls a failing write back whole: an error after the first statement leaves nothing behind', async () => {
    await service.api.createTheme(pm, { title: 'Compute gaps', kind: 'USER_STORY' });
    await service.api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-2' });
    const before = await snapshot();
    const again = await service.gql(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-1", themeKey: "TH-2" }) { theme { key } } }`);
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await snapshot()).toEqual(before);
  });
});

describe('a body that is not GraphQL', () => {
  it('is answered in the GraphQL error shape as BAD_USER_INPUT', async () => {
    const service = await startService();
    try {
      const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": nope' });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string; fields: Array<{ field: string }> } }> };
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].extensions.fields[0].field).toBe('body');
    } finally {
      await service.close();
    }
  });
});

/** Requests hostile in their very shape: each refused with a client's code, never an internal error. */
describe('hostile requests', () => {
  let service: TestService;
  let pm: string;

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
  });

  afterAll(() => service.close());

  interface Answer {
    status: number;
    errors: Array<{ message: string; extensions: ErrorExtensions }>;
    text: string;
  }

  async function send(body: unknown, init: { method?: string; query?: string } = {}): Promise<Answer> {
    const url = init.query === undefined ? service.url : `${service.url}?query=${encodeURIComponent(init.query)}`;
    const response = await fetch(url, {
      method: init.method ?? 'POST',
      // A client of the current media type gets 4xx for a request error (one of application/json gets 200: see production.e2e-spec.ts).
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${pm}`, 'apollo-require-preflight': 'true' },
      body: init.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = JSON.parse(text) as { errors?: Answer['errors'] };
    expect(text).not.toMatch(INTERNAL);
    return { status: response.status, errors: parsed.errors ?? [], text };
  }

  async function refused(body: unknown, code: string, status: number, init: { method?: string; query?: string } = {}): Promise<Answer> {
    const answer = await send(body, init);
    expect(answer.status).toBe(status);
    expect(answer.errors.length).toBeGreaterThan(0);
    for (const error of answer.errors) expect(error.extensions.code).toBe(code);
    return answer;
  }

  it('refuses a bad persisted query extension', async () => {
    await refused({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'nothex' } } }, 'BAD_USER_INPUT', 400);
    await refused({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'nothex' } } }, 'BAD_USER_INPUT', 400);
    await refused({ query: '{ __typename }', extensions: { persistedQuery: 'yes' } }, 'BAD_USER_INPUT', 400);
  });

  it('refuses a subscription sent over HTTP, before it costs anything', async () => {
    const answer = await refused({ query: 'subscription { loopEvents { type } }' }, 'BAD_USER_INPUT', 400);
    expect(answer.errors[0].extensions.fields).toEqual([{ field: 'query', message: expect.stringMatching(/WebSocket/) }]);
    expect((JSON.parse(answer.text) as { extensions?: { cost?: unknown } }).extensions?.cost).toBeUndefined();
  });

  it('refuses more than 50 variables that do not fit their types', async () => {
    const answer = await refused(
      { query: 'query($types: [String!]) { events(filter: { types: $types }) { totalCount } }', variables: { types: Array.from({ length: 60 }, (_, index) => index) } },
      'BAD_USER_INPUT',
      400,
    );
    expect(answer.errors).toHaveLength(51);
    expect(answer.errors[50].extensions.fields).toEqual([{ field: 'variables', message: expect.stringMatching(/Too many errors/) }]);
  });

  it('refuses list and object literals nested 5,000 deep, over POST and GET', async () => {
    const lists = `{ loops(filter: { project: ${'['.repeat(5000)}"nova"${']'.repeat(5000)} }) { totalCount } }`;
    const objects = `{ loops(filter: ${'{ project: '.repeat(5000)}"nova"${' }'.repeat(5000)}) { totalCount } }`;
    for (const query of [lists, objects]) {
      const answer = await refused({ query }, 'BAD_USER_INPUT', 400);
      expect(answer.errors[0].extensions.fields).toEqual([{ field: 'query', message: expect.stringMatching(/nest more than 200 deep/) }]);
    }
    await refused(null, 'BAD_USER_INPUT', 400, { method: 'GET', query: `{ __typename ${'{ a '.repeat(300)} }` });
  });

  it('refuses 10,000 aliases or 10,000 directives as too large to read', async () => {
    const aliases = `{ ${Array.from({ length: 10_000 }, (_, index) => `a${index}: __typename`).join(' ')} }`;
    const directives = `{ __typename ${'@include(if: true) '.repeat(10_000)}}`;
    for (const query of [aliases, directives]) {
      const answer = await refused({ query }, 'QUERY_TOO_COMPLEX', 200);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', exceeded: 'size' });
    }
  });

  it('refuses deeply nested variables', async () => {
    const query = 'query($types: [String!], $filter: LoopFilter) { events(filter: { types: $types }) { totalCount } loops(filter: $filter) { totalCount } }';
    const lists = `{"query":${JSON.stringify(query)},"variables":{"types":${'['.repeat(100_000)}"loop.closed"${']'.repeat(100_000)}}}`;
    await refused(lists, 'BAD_USER_INPUT', 400);
    const objects = `{"query":${JSON.stringify(query)},"variables":{"filter":${'{"project":'.repeat(50_000)}"nova"${'}'.repeat(50_000)}}}`;
    await refused(objects, 'BAD_USER_INPUT', 400);
  });

  it('refuses a subscription nested 5,000 deep over WebSocket with the same code', async () => {
    const client = createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${pm}` }, retryAttempts: 0 });
    try {
      const deep = `subscription { loopEvents(filter: ${'{ loopKey: '.repeat(5000)}"FB-1"${' }'.repeat(5000)}) { type } }`;
      const answer = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: deep }, { next: resolve, error: resolve, complete: () => resolve('completed without an error') });
      });
      expect(answer).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      expect(JSON.stringify(answer)).not.toMatch(INTERNAL);
    } finally {
      await client.dispose();
    }
  });
});
