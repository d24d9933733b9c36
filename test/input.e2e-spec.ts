import { startService, TestService } from './support/service';

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
    await service.ok(operator, `mutation { submitFeedback(input: { title: "Live migration of pinned instances", origin: OPERATOR }) { feedback { key } } }`);
  });

  afterAll(() => service.close());

  const tables = ['feedback_item', 'feedback_project', 'feedback_tag', 'feedback_vote', 'theme', 'blueprint', 'release', 'loop_event', 'loop_event_loop'];
  const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await service.count(table)])));

  async function expectRefused(token: string, query: string, variables: Record<string, unknown>, fields: string[]) {
    const before = await snapshot();
    const result = await service.gql(token, query, variables);
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0];
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.fields.map((problem: { field: string }) => problem.field).sort()).toEqual([...fields].sort());
    for (const problem of error.extensions?.fields) expect(problem.message).toEqual(expect.any(String));
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
    await service.ok(lead, `mutation { createBlueprint(input: { project: "nova", name: "pinned-migration", title: "Live-migrate pinned instances" }) { blueprint { key } } }`);
    const link = `mutation($input: BlueprintLinkInput!) { linkBlueprint(input: $input) { blueprint { key } } }`;
    await expectRefused(lead, link, { input: { project: 'nova', name: 'pinned-migration' } }, ['input.themeKey', 'input.feedbackKey']);
    await expectRefused(lead, link, { input: { project: 'nova', name: 'pinned-migration', themeKey: 'TH-1', feedbackKey: 'FB-1' } }, [
      'input.themeKey',
      'input.feedbackKey',
    ]);
  });

  it('refuses a theme under a narrower or equal kind', async () => {
    await service.ok(pm, `mutation { createTheme(input: { title: "Pinned instances gap", kind: GAP }) { theme { key } } }`);
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

  it('rolls a failing write back whole: an error after the first statement leaves nothing behind', async () => {
    await service.ok(pm, `mutation { createTheme(input: { title: "Compute gaps", kind: USER_STORY }) { theme { key } } }`);
    await service.ok(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-1", themeKey: "TH-2" }) { theme { key } } }`);
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
