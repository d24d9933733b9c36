import { validateInput } from '../src/common/validation.pipe';
import { SqlLogger } from '../src/database/sql-logger';
import { LoopFilter } from '../src/loops/dto/loop.inputs';
import { LoopHealthService } from '../src/loops/health/loop-health.service';
import { startCore, TestCore } from './support/core';
import { ApiInput } from './support/operations';

const DAY = 86_400;

/** loopHealth against a small dataset built by hand, each figure checked. */
describe('loop health', () => {
  let core: TestCore;

  /** The figures as the API's loopHealth gives them, the records they name by their keys and names. */
  const health = async (filter?: ApiInput<LoopFilter>) => {
    const figures = await core.context.get(LoopHealthService).health(filter && (await validateInput(LoopFilter, filter, 'filter')));
    return {
      ...figures,
      blueprintsWithoutRequestSample: figures.blueprintsWithoutRequestSample.map(({ key }) => ({ key })),
      themesWithoutBlueprintSample: figures.themesWithoutBlueprintSample.map(({ key }) => ({ key })),
      closureByRelease: figures.closureByRelease.map(({ release, ...closure }) => ({ release: { name: release.name }, ...closure })),
    };
  };

  beforeAll(async () => {
    core = await startCore();
    const pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    const lead = await core.actor('TECH_LEAD', 'Tom');
    const operator = await core.actor('OPERATOR', 'Olga');
    const user = await core.actor('USER', 'Uma');
    const { api } = core;
    let today = 0;
    const at = (day: number) => {
      core.clock.advanceDays(day - today);
      today = day;
    };

    await api.submitFeedback(operator, { title: 'Maintenance mode for hosts', origin: 'OPERATOR', projects: ['nova'] });
    await api.submitFeedback(user, { title: 'Resize without downtime', origin: 'USER', projects: [] });
    await api.submitFeedback(operator, { title: 'Quota per domain', origin: 'OPERATOR', projects: [] });
    await api.submitFeedback(user, { title: 'Dark mode for the dashboard', origin: 'USER', projects: [] });
    await api.submitFeedback(operator, { title: 'Faster image uploads', origin: 'OPERATOR', projects: [] });
    at(2);
    for (const key of ['FB-1', 'FB-2']) await api.triageFeedback(pm, { key });
    at(3);
    await api.createTheme(pm, { title: 'Operations without downtime', kind: 'USER_STORY' });
    await api.createTheme(pm, { title: 'Usability', kind: 'THEME' });
    for (const key of ['FB-1', 'FB-2']) await api.linkFeedbackToTheme(pm, { feedbackKey: key, themeKey: 'TH-1' });
    at(5);
    await api.createBlueprint(lead, { project: 'nova', name: 'a', title: 'Host maintenance', targetRelease: 'Pike' });
    await api.createBlueprint(lead, { project: 'neutron', name: 'b', title: 'Work nobody asked for' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'a', themeKey: 'TH-1' });
    at(9);
    await api.triageFeedback(pm, { key: 'FB-3' });
    at(10);
    await api.updateBlueprint(lead, { project: 'nova', name: 'a', implementationStatus: 'STARTED' });
    at(20);
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'a', release: 'Pike', result: 'DELIVERED' });
    at(21);
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'in Pike' });
    at(55);
    await api.submitFeedback(user, { title: 'Bulk tagging of servers', origin: 'USER', projects: [] });
    at(60);
  });

  afterAll(() => core.close());

  it('counts loops per stage and times each stage and the whole loop', async () => {
    const figures = await health();
    expect(figures.total).toBe(6);
    expect(figures.funnel).toEqual([
      { stage: 'REQUESTED', count: 3 },
      { stage: 'TRIAGED', count: 1 },
      { stage: 'THEMED', count: 0 },
      { stage: 'PLANNED', count: 0 },
      { stage: 'IN_DEVELOPMENT', count: 0 },
      { stage: 'RELEASED', count: 1 },
      { stage: 'CLOSED', count: 1 },
    ]);
    const time = Object.fromEntries(figures.timeInStage.map((t) => [t.stage, t]));
    expect(time.REQUESTED).toEqual({ stage: 'REQUESTED', samples: 3, medianSeconds: 2 * DAY, p90Seconds: 9 * DAY });
    expect(time.TRIAGED).toEqual({ stage: 'TRIAGED', samples: 2, medianSeconds: DAY, p90Seconds: DAY });
    expect(time.THEMED).toEqual({ stage: 'THEMED', samples: 2, medianSeconds: 2 * DAY, p90Seconds: 2 * DAY });
    expect(time.PLANNED).toEqual({ stage: 'PLANNED', samples: 2, medianSeconds: 5 * DAY, p90Seconds: 5 * DAY });
    expect(time.IN_DEVELOPMENT).toEqual({ stage: 'IN_DEVELOPMENT', samples: 2, medianSeconds: 10 * DAY, p90Seconds: 10 * DAY });
    expect(time.RELEASED).toEqual({ stage: 'RELEASED', samples: 1, medianSeconds: DAY, p90Seconds: DAY });
    expect(time.CLOSED).toEqual({ stage: 'CLOSED', samples: 0, medianSeconds: null, p90Seconds: null });
    expect(figures.requestToClosure).toEqual({ samples: 1, medianSeconds: 21 * DAY, p90Seconds: 21 * DAY });
  });

  it('finds stalled loops, untriaged requests by age, work without requesters and themes without work', async () => {
    const figures = await health();
    expect({ stalled: figures.stalled, stalledDays: figures.stalledDays }).toEqual({ stalled: 4, stalledDays: 30 });
    expect(figures.untriagedByAge).toEqual([
      { label: 'under 7 days', minDays: 0, maxDays: 7, count: 1 },
      { label: '7–30 days', minDays: 7, maxDays: 30, count: 0 },
      { label: '30–90 days', minDays: 30, maxDays: 90, count: 2 },
      { label: '90 days or more', minDays: 90, maxDays: null, count: 0 },
    ]);
    expect(figures.blueprintsWithoutRequest).toBe(1);
    expect(figures.blueprintsWithoutRequestSample).toEqual([{ key: 'neutron/b' }]);
    expect(figures.themesWithoutBlueprint).toBe(1);
    expect(figures.themesWithoutBlueprintSample).toEqual([{ key: 'TH-2' }]);
    expect(figures.closureByRelease).toEqual([{ release: { name: 'Pike' }, touched: 2, closed: 2, rate: 1 }]);
  });

  it('slices by origin, project, theme and release', async () => {
    const byOrigin = await health({ origin: 'OPERATOR' });
    expect(byOrigin.total).toBe(3);
    expect(byOrigin.funnel.filter((s) => s.count)).toEqual([
      { stage: 'REQUESTED', count: 1 },
      { stage: 'TRIAGED', count: 1 },
      { stage: 'CLOSED', count: 1 },
    ]);
    expect(byOrigin.timeInStage.find((t) => t.stage === 'REQUESTED')).toMatchObject({ samples: 2, medianSeconds: 2 * DAY, p90Seconds: 9 * DAY });
    expect(byOrigin.stalled).toBe(2);

    const nova = await health({ project: 'nova' });
    expect(nova.total).toBe(2);
    expect(nova.blueprintsWithoutRequest).toBe(0);
    const neutron = await health({ project: 'neutron' });
    expect(neutron).toMatchObject({ total: 0, blueprintsWithoutRequest: 1, closureByRelease: [] });

    const theme = await health({ themeKey: 'TH-1' });
    expect(theme).toMatchObject({ total: 2, themesWithoutBlueprint: 0, requestToClosure: { samples: 1 } });
    expect((await health({ themeKey: 'TH-2' })).themesWithoutBlueprint).toBe(1);

    const pike = await health({ release: 'Pike' });
    expect(pike).toMatchObject({ total: 2, closureByRelease: [{ release: { name: 'Pike' }, touched: 2, closed: 2, rate: 1 }] });
  });

  it("reads a slice's exact durations once for all its figures, through its loops or through the durations' kinds", async () => {
    const recording = core.context.get(SqlLogger).record();
    let theme: Awaited<ReturnType<typeof health>>;
    try {
      theme = await health({ themeKey: 'TH-1' });
    } finally {
      recording.stop();
    }
    expect(theme.timeInStage).toEqual([
      { stage: 'REQUESTED', samples: 2, medianSeconds: 2 * DAY, p90Seconds: 2 * DAY },
      { stage: 'TRIAGED', samples: 2, medianSeconds: DAY, p90Seconds: DAY },
      { stage: 'THEMED', samples: 2, medianSeconds: 2 * DAY, p90Seconds: 2 * DAY },
      { stage: 'PLANNED', samples: 2, medianSeconds: 5 * DAY, p90Seconds: 5 * DAY },
      { stage: 'IN_DEVELOPMENT', samples: 2, medianSeconds: 10 * DAY, p90Seconds: 10 * DAY },
      { stage: 'RELEASED', samples: 1, medianSeconds: DAY, p90Seconds: DAY },
      { stage: 'CLOSED', samples: 0, medianSeconds: null, p90Seconds: null },
    ]);
    expect(theme.requestToClosure).toEqual({ samples: 1, medianSeconds: 21 * DAY, p90Seconds: 21 * DAY });
    // Six stages with ended stays and the closure, all exact: not a statement a figure.
    expect(recording.statements.filter((statement) => /loop_stage_stay/.test(statement.query)).length).toBeLessThanOrEqual(2);

    // The same two loops by two filters at once, which the tally does not keep: aggregated from the loops themselves.
    const aggregated = await health({ themeKey: 'TH-1', project: 'nova' });
    expect(aggregated.total).toBe(2);
    expect({ timeInStage: aggregated.timeInStage, requestToClosure: aggregated.requestToClosure }).toEqual({
      timeInStage: theme.timeInStage,
      requestToClosure: theme.requestToClosure,
    });

    // Of the users' three requests one has moved on, and only its stays count: not those of the operators' requests beside it.
    const byUsers = await health({ origin: 'USER' });
    expect(byUsers.timeInStage).toEqual([
      { stage: 'REQUESTED', samples: 1, medianSeconds: 2 * DAY, p90Seconds: 2 * DAY },
      { stage: 'TRIAGED', samples: 1, medianSeconds: DAY, p90Seconds: DAY },
      { stage: 'THEMED', samples: 1, medianSeconds: 2 * DAY, p90Seconds: 2 * DAY },
      { stage: 'PLANNED', samples: 1, medianSeconds: 5 * DAY, p90Seconds: 5 * DAY },
      { stage: 'IN_DEVELOPMENT', samples: 1, medianSeconds: 10 * DAY, p90Seconds: 10 * DAY },
      { stage: 'RELEASED', samples: 0, medianSeconds: null, p90Seconds: null },
      { stage: 'CLOSED', samples: 0, medianSeconds: null, p90Seconds: null },
    ]);
    expect(byUsers.requestToClosure).toEqual({ samples: 0, medianSeconds: null, p90Seconds: null });
  });
});

/** The tally behind loopHealth follows loops that change slices without an event of their own. */
describe('loop health, as loops change slices', () => {
  let core: TestCore;

  beforeAll(async () => (core = await startCore()));
  afterAll(() => core.close());

  const totalOf = async (filter: ApiInput<LoopFilter>) =>
    (await core.context.get(LoopHealthService).health(await validateInput(LoopFilter, filter, 'filter'))).total;

  it('counts a loop under a theme once a theme above the one it is linked to is moved under that theme', async () => {
    const pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    const operator = await core.actor('OPERATOR', 'Olga');
    const { api } = core;
    const broad = await api.createTheme(pm, { title: 'Operations at scale', kind: 'THEME' });
    const epic = await api.createTheme(pm, { title: 'Host maintenance', kind: 'EPIC' });
    const gap = await api.createTheme(pm, { title: 'No way to drain a host', kind: 'GAP', parentKey: epic.key });
    const loop = await api.submitFeedback(operator, { title: 'Drain a host before patching it', origin: 'OPERATOR' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: loop.key, themeKey: gap.key });
    expect(await totalOf({ themeKey: broad.key })).toBe(0);
    await api.updateTheme(pm, { key: epic.key, parentKey: broad.key });
    expect(await totalOf({ themeKey: broad.key })).toBe(1);
    expect(await totalOf({ themeKey: epic.key })).toBe(1);
  });

  it('counts the loops a blueprint answers under the release it targets now', async () => {
    const lead = await core.actor('TECH_LEAD', 'Tom');
    const operator = await core.actor('OPERATOR', 'Otto');
    const { api } = core;
    const loop = await api.submitFeedback(operator, { title: 'Live-migrate with local disks', origin: 'OPERATOR' });
    await api.createBlueprint(lead, { project: 'nova', name: 'block-migration', title: 'Block live migration', targetRelease: 'Pike' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'block-migration', feedbackKey: loop.key });
    expect(await totalOf({ release: 'Queens' })).toBe(0);
    await api.updateBlueprint(lead, { project: 'nova', name: 'block-migration', targetRelease: 'Queens' });
    expect(await totalOf({ release: 'Queens' })).toBe(1);
    expect(await totalOf({ release: 'Pike' })).toBe(0);
  });
});
