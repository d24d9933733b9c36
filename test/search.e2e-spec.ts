import { startService, TestService } from './support/service';

/** What SEARCH selects. */
interface Hits {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string };
  nodes: Array<{ kind: string; key: string; title: string; snippet: string; score: number } & Record<string, unknown>>;
}

/** Search over requests, themes and blueprints: ranked, with snippets, never stale. */
describe('search', () => {
  let service: TestService;
  let pm: string;
  let operator: string;
  let lead: string;

  const SEARCH = `query($q: String!, $first: Int, $after: String) {
    search(query: $q, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { kind key title snippet score feedback { key } theme { key } blueprint { key } }
    }
  }`;
  const search = async (q: string, first?: number, after?: string) => (await service.ok<{ search: Hits }>(pm, SEARCH, { q, first, after })).search;

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    operator = (await service.actor('OPERATOR', 'Olga')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;
    const { api } = service;
    await api.submitFeedback(operator, { title: 'Live migration of pinned instances', body: 'Pinned CPUs block every live migration we try.', tags: ['migration'], origin: 'OPERATOR' });
    await api.submitFeedback(operator, { title: 'Quota per domain', body: 'Domains need quotas, and migrating projects between domains keeps them.', tags: [], origin: 'OPERATOR' });
    await api.submitFeedback(operator, { title: 'Faster image uploads', body: 'Uploads time out for large images.', tags: ['glance', 'migration'], origin: 'OPERATOR' });
    await api.createTheme(pm, { title: 'Workload migration', kind: 'THEME', description: 'Moving instances between hosts and clouds' });
    await api.createBlueprint(lead, { project: 'nova', name: 'pinned-live-migration', title: 'Live migration with CPU pinning' });
  });

  afterAll(() => service.close());

  it('finds requests, themes and blueprints, best matches first, with the matching passage', async () => {
    const result = await search('migration');
    expect(result.totalCount).toBe(5);
    const kinds = result.nodes.map((hit) => `${hit.kind.toLowerCase()}:${hit.key}`);
    expect(kinds).toEqual(expect.arrayContaining(['feedback:FB-1', 'feedback:FB-2', 'feedback:FB-3', 'theme:TH-1', 'blueprint:nova/pinned-live-migration']));
    // A match in the title weighs more than one in the tags, which weighs more than one in the body.
    expect(kinds.indexOf('feedback:FB-1')).toBeLessThan(kinds.indexOf('feedback:FB-3'));
    expect(kinds.indexOf('feedback:FB-3')).toBeLessThan(kinds.indexOf('feedback:FB-2'));
    const scores = result.nodes.map((hit) => hit.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(result.nodes.find((hit) => hit.key === 'FB-2')?.snippet).toMatch(/\*\*migrating\*\*/);
    expect(result.nodes.find((hit) => hit.key === 'nova/pinned-live-migration')).toMatchObject({
      title: 'Live migration with CPU pinning',
      blueprint: { key: 'nova/pinned-live-migration' },
      feedback: null,
    });
  });

  it('requires every word, matches the start of words, and pages with cursors', async () => {
    expect((await search('pinned live')).nodes.map((hit) => hit.key).sort()).toEqual(['FB-1', 'nova/pinned-live-migration']);
    expect((await search('quot')).nodes.map((hit) => hit.key)).toEqual(['FB-2']);
    const first = await search('migration', 2);
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await search('migration', 10, first.pageInfo.endCursor);
    expect(rest.nodes).toHaveLength(3);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('is never stale: an edit is searchable as soon as it is committed', async () => {
    expect((await search('hugepages')).totalCount).toBe(0);
    await service.api.updateFeedback(operator, { key: 'FB-3', body: 'Uploads of hugepages images time out.' });
    expect((await search('hugepages')).nodes.map((hit) => hit.key)).toEqual(['FB-3']);
    await service.api.updateBlueprint(lead, { project: 'nova', name: 'pinned-live-migration', title: 'Move pinned guests' });
    expect((await search('guests')).nodes.map((hit) => hit.key)).toEqual(['nova/pinned-live-migration']);
  });

  it('takes any text without breaking, and refuses a query without words', async () => {
    for (const hostile of ['NEAR(', 'migration OR *', "'; DROP TABLE feedback_item; --", 'a AND (b', 'title:quota^2', '"unclosed']) {
      const result = await service.gql(pm, SEARCH, { q: hostile });
      expect({ hostile, errors: result.errors }).toEqual({ hostile, errors: undefined });
    }
    expect((await search("'; DROP TABLE feedback_item; --")).totalCount).toBe(0);
    expect(await service.count('feedback_item')).toBe(3);
    const empty = await service.gql(pm, SEARCH, { q: '  ?! ' });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'query' }] });
  });
});
