import { startService, TestService } from './support/service';

/**
 * Lists filtered through other tables (decisions/0015) hold what the
 * filters mean, in order, page after page: combined, after a change of the
 * request's projects and tags, after a vote reorders them, and under a theme
 * moved in the tree.
 */
describe('listings', () => {
  let service: TestService;
  let pm: string;
  let operator: string;
  let voter: string;

  const keysOf = async (field: 'loops' | 'feedbackItems', filter: Record<string, unknown>, orderBy?: Record<string, unknown>) => {
    const keys: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: Record<string, { nodes: Array<{ key: string }>; pageInfo: { endCursor: string | null; hasNextPage: boolean }; totalCount: number }> =
        await service.ok(pm, `query($filter: ${field === 'loops' ? 'LoopFilter' : 'FeedbackFilter'}, $orderBy: ${field === 'loops' ? 'LoopOrder' : 'FeedbackOrder'}, $after: String) {
          ${field}(first: 2, filter: $filter, orderBy: $orderBy, after: $after) { nodes { key } pageInfo { endCursor hasNextPage } totalCount }
        }`, { filter, orderBy: orderBy ?? null, after });
      const page = data[field];
      keys.push(...page.nodes.map((node) => node.key));
      expect(page.totalCount).toBeGreaterThanOrEqual(keys.length);
      if (!page.pageInfo.hasNextPage) {
        expect(page.totalCount).toBe(keys.length);
        return keys;
      }
      after = page.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    operator = (await service.actor('OPERATOR', 'Olga')).token;
    voter = (await service.actor('USER', 'Vic')).token;
    const submit = (title: string, projects: string[], tags: string[]) =>
      service.ok(operator, 'mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { feedback { key } } }', { i: { title, origin: 'OPERATOR', projects, tags } });
    await submit('One', ['nova'], ['upgrades']); // FB-1
    await submit('Two', ['nova', 'cinder'], ['ha']); // FB-2
    await submit('Three', ['cinder'], ['upgrades']); // FB-3
    await submit('Four', ['nova'], ['upgrades', 'ha']); // FB-4
    await submit('Five', [], ['upgrades']); // FB-5
    await service.ok(pm, 'mutation { a: createTheme(input: { title: "Operations", kind: THEME }) { theme { key } } }'); // TH-1
    await service.ok(pm, 'mutation { a: createTheme(input: { title: "Upgrades", kind: EPIC }) { theme { key } } }'); // TH-2
    await service.ok(pm, 'mutation { a: linkFeedbackToTheme(input: { feedbackKey: "FB-3", themeKey: "TH-2" }) { feedback { key } } }');
    await service.ok(pm, 'mutation { a: linkFeedbackToTheme(input: { feedbackKey: "FB-5", themeKey: "TH-2" }) { feedback { key } } }');
    await service.ok(pm, 'mutation { a: linkFeedbackToTheme(input: { feedbackKey: "FB-1", themeKey: "TH-1" }) { feedback { key } } }');
  }, 60_000);

  afterAll(() => service.close());

  it('pages through one filter and through two combined, newest first, each loop once', async () => {
    expect(await keysOf('loops', { project: 'nova' })).toEqual(['FB-4', 'FB-2', 'FB-1']);
    expect(await keysOf('loops', { tag: '#Upgrades' })).toEqual(['FB-5', 'FB-4', 'FB-3', 'FB-1']);
    expect(await keysOf('loops', { project: 'nova', tag: 'upgrades' })).toEqual(['FB-4', 'FB-1']);
    expect(await keysOf('feedbackItems', { project: 'cinder', tag: 'ha' })).toEqual(['FB-2']);
    expect(await keysOf('loops', { themeKey: 'TH-2', tag: 'upgrades' }, { field: 'CREATED_AT', direction: 'ASC' })).toEqual(['FB-3', 'FB-5']);
  });

  it('follows a change of projects and tags, and a vote that reorders', async () => {
    await service.ok(operator, 'mutation { updateFeedback(input: { key: "FB-3", projects: ["nova"], tags: ["ha"] }) { feedback { key } } }');
    expect(await keysOf('loops', { project: 'nova' })).toEqual(['FB-4', 'FB-3', 'FB-2', 'FB-1']);
    expect(await keysOf('feedbackItems', { project: 'cinder' })).toEqual(['FB-2']);
    expect(await keysOf('loops', { tag: 'upgrades' })).toEqual(['FB-5', 'FB-4', 'FB-1']);
    await service.ok(voter, 'mutation { voteFeedback(input: { key: "FB-1" }) { feedback { key } } }');
    expect(await keysOf('loops', { project: 'nova' }, { field: 'VOTES', direction: 'DESC' })).toEqual(['FB-1', 'FB-4', 'FB-3', 'FB-2']);
  });

  it('lists the loops under a theme moved in the tree under the theme above it', async () => {
    expect(await keysOf('loops', { themeKey: 'TH-1' })).toEqual(['FB-1']);
    await service.ok(pm, 'mutation { updateTheme(input: { key: "TH-2", parentKey: "TH-1" }) { theme { key } } }');
    expect(await keysOf('loops', { themeKey: 'TH-1' })).toEqual(['FB-5', 'FB-3', 'FB-1']);
    await service.ok(pm, 'mutation { updateTheme(input: { key: "TH-2", detachFromParent: true }) { theme { key } } }');
    expect(await keysOf('loops', { themeKey: 'TH-1' })).toEqual(['FB-1']);
  });
});
