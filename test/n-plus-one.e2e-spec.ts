import { SqlLogger } from '../src/database/sql-logger';
import { testConfig } from './support/config';
import { startService, TestService } from './support/service';

/** What LOOPS selects, as far as the test reads it. */
interface Loops {
  loops: { nodes: Array<{ stage: string; themes: Array<{ theme: { key: string } }>; blueprints: unknown[] }> };
}

/** Relations under lists come through per-request DataLoaders: the statements of a page do not grow with its size. */
describe('statements per list query', () => {
  let service: TestService;
  let pm: string;

  const LOOPS = `query($first: Int!) {
    loops(first: $first, orderBy: { field: CREATED_AT, direction: ASC }) {
      totalCount
      nodes {
        key stage waitingOn
        feedback { title submitter { name } projects tags viewerHasVoted mergedInto { key } }
        themes { theme { key parent { key } owner { name } } linkedBy { name } }
        blueprints { blueprint { key targetRelease { name } themes { key } } viaThemes { key } outcomes { result release { name } recordedBy { name } } }
        projects { project delivered }
        stages { stage seconds }
        completedIn { name }
        timeline { totalCount nodes { type recordKey actor { name } } pageInfo { endCursor } }
        markdown
        json
      }
    }
  }`;

  beforeAll(async () => {
    // The statements are counted process-wide, so the webhook worker's polling must not run alongside.
    service = await startService({ webhooks: { ...testConfig({ engine: 'sqlite', path: ':memory:' }).webhooks, pollMs: 0 } });
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    const lead = (await service.actor('TECH_LEAD', 'Tom')).token;
    const { api } = service;
    for (let theme = 1; theme <= 6; theme++) {
      await api.createTheme(pm, { title: `Story ${theme}`, kind: 'USER_STORY' });
      await api.createTheme(pm, { title: `Gap ${theme}`, kind: 'GAP', parentKey: `TH-${2 * theme - 1}` });
      await api.createBlueprint(lead, { project: 'nova', name: `work-${theme}`, title: 'Some work', targetRelease: 'Pike' });
      await api.linkBlueprint(lead, { project: 'nova', name: `work-${theme}`, themeKey: `TH-${2 * theme}` });
    }
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'work-1', release: 'Pike', result: 'DELIVERED' });
    for (let item = 1; item <= 60; item++) {
      await api.submitFeedback(operator, { title: `Request number ${item}`, origin: 'OPERATOR', projects: ['nova'], tags: ['scale'] });
      await api.linkFeedbackToTheme(pm, { feedbackKey: `FB-${item}`, themeKey: `TH-${2 * (item % 6) + 1}` });
    }
    // One event in the timelines of many loops: the ten that work-6 answers through TH-11.
    await service.ok(lead, `mutation { updateBlueprint(input: { project: "nova", name: "work-6", implementationStatus: STARTED }) { blueprint { key } } }`);
  });

  afterAll(() => service.close());

  async function statementsFor(first: number): Promise<{ statements: number; nodes: number }> {
    const logger = service.app.get(SqlLogger);
    const before = logger.statements;
    const data = await service.ok<Loops>(pm, LOOPS, { first });
    return { statements: logger.statements - before, nodes: data.loops.nodes.length };
  }

  it('counts a list only when its totalCount is asked for, once however often it is', async () => {
    const logger = service.app.get(SqlLogger);
    const statementsOf = async (selection: string) => {
      const before = logger.statements;
      await service.ok(pm, `{ loops(first: 5) { ${selection} } feedbackItems(first: 5) { ${selection} } search(query: "request") { ${selection} } }`);
      return logger.statements - before;
    };
    await statementsOf('nodes { __typename }');
    const without = await statementsOf('nodes { __typename }');
    expect(await statementsOf('nodes { __typename } totalCount')).toBe(without + 3);
    expect(await statementsOf('nodes { __typename } totalCount again: totalCount')).toBe(without + 3);
  });

  it('runs as many statements for a page of 50 loops as for a page of 5', async () => {
    await statementsFor(5);
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(small.nodes).toBe(5);
    expect(large.nodes).toBe(50);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThan(40);
  });

  it('pages the timelines of a list as the audit log pages each loop: the same events, in the same order, with the same cursors', async () => {
    const TIMELINES = `query($first: Int!, $after: String) {
      loops(first: 12, orderBy: { field: CREATED_AT, direction: ASC }) {
        nodes { key timeline(first: $first, after: $after) { totalCount edges { cursor node { id type } } pageInfo { hasNextPage endCursor } } }
      }
    }`;
    const AUDIT = `query($key: String!) { events(filter: { loopKey: $key }, first: 100) { totalCount edges { cursor node { id type } } } }`;
    interface Edge {
      cursor: string;
      node: { id: string; type: string };
    }
    interface Timelines {
      loops: { nodes: Array<{ key: string; timeline: { totalCount: number; edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> };
    }
    const whole = await service.ok<Timelines>(pm, TIMELINES, { first: 100 });
    const firstPages = await service.ok<Timelines>(pm, TIMELINES, { first: 2 });
    const shared = whole.loops.nodes.flatMap((loop) => loop.timeline.edges.filter((edge) => edge.node.type === 'blueprint.updated'));
    expect(shared).toHaveLength(2);
    for (const [index, loop] of whole.loops.nodes.entries()) {
      const audit = (await service.ok<{ events: { totalCount: number; edges: Edge[] } }>(pm, AUDIT, { key: loop.key })).events;
      expect(loop.timeline.totalCount).toBe(audit.totalCount);
      expect(loop.timeline.edges).toEqual([...audit.edges].reverse());
      expect(loop.timeline.pageInfo).toEqual({ hasNextPage: false, endCursor: loop.timeline.edges.at(-1)!.cursor });
      const firstPage = firstPages.loops.nodes[index].timeline;
      expect(firstPage.edges).toEqual(loop.timeline.edges.slice(0, 2));
      expect(firstPage.pageInfo).toEqual({ hasNextPage: true, endCursor: loop.timeline.edges[1].cursor });
      expect(firstPage.totalCount).toBe(loop.timeline.totalCount);
    }
    // Each loop goes on from its own cursor, read alone since every loop names another.
    const [fifth, eleventh] = [whole.loops.nodes[4], whole.loops.nodes[10]];
    for (const loop of [fifth, eleventh]) {
      const next = await service.ok<{ loop: { timeline: { edges: Edge[] } } }>(pm, `query($key: String!, $after: String) { loop(key: $key) { timeline(first: 2, after: $after) { edges { cursor node { id type } } } } }`, {
        key: loop.key,
        after: loop.timeline.edges[1].cursor,
      });
      expect(next.loop.timeline.edges).toEqual(loop.timeline.edges.slice(2, 4));
    }
  });

  it('derives every nested field from the same loaders (the page really is nested)', async () => {
    const data = await service.ok<Loops>(pm, LOOPS, { first: 2 });
    const [first] = data.loops.nodes;
    expect(first.stage).toBe('PLANNED');
    expect(first.themes[0].theme.key).toBe('TH-3');
    expect(first.blueprints[0]).toMatchObject({ blueprint: { key: 'nova/work-2', targetRelease: { name: 'Pike' } }, viaThemes: [{ key: 'TH-4' }] });
  });
});
