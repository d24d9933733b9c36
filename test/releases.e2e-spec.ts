import { Actor } from '../src/actors/actor.entity';
import { LoopsService } from '../src/loops/loops.service';
import { ReleasesService } from '../src/releases/releases.service';
import { refusal, startCore, TestCore } from './support/core';

describe('releases', () => {
  let core: TestCore;
  let pm: Actor;
  let lead: Actor;

  beforeAll(async () => {
    core = await startCore();
    pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    lead = await core.actor('TECH_LEAD', 'Tom');
  });

  afterAll(() => core.close());

  const list = async () => (await core.context.get(ReleasesService).list({ first: 100 })).nodes;
  const stored = async (name: string) => (await core.context.get(ReleasesService).findByName(name))!;

  it('ships OpenStack\'s release series, in order, with their dates', async () => {
    const releases = await list();
    const names = releases.map((release) => release.name);
    expect(names.slice(0, 4)).toEqual(['Austin', 'Bexar', 'Cactus', 'Diablo']);
    expect(names).toEqual(expect.arrayContaining(['Liberty', 'Mitaka', 'Zed', '2023.1', '2025.2']));
    const { name, sequence, state, releasedOn } = releases.find((release) => release.name === 'Liberty')!;
    expect({ name, sequence, state, releasedOn }).toEqual({
      name: 'Liberty',
      sequence: 12,
      state: 'RELEASED',
      releasedOn: '2015-10-15',
    });
  });

  it('adds releases after the series, or where their sequence says, and edits only what an update names', async () => {
    await core.api.createRelease(pm, { name: '2027.1', state: 'PLANNED', startsOn: '2026-10-05' });
    await core.api.createRelease(pm, { name: 'Prehistory', state: 'RELEASED', sequence: 0 });
    const releases = await list();
    expect({ name: releases[0].name, state: releases[0].state }).toEqual({ name: 'Prehistory', state: 'RELEASED' });
    expect({ name: releases.at(-1)!.name, state: releases.at(-1)!.state }).toEqual({ name: '2027.1', state: 'PLANNED' });

    await core.api.updateRelease(pm, { name: '2027.1', releasedOn: '2027-04-07' });
    const { name, state, releasedOn, version } = await stored('2027.1');
    expect({ name, state, releasedOn, version }).toEqual({ name: '2027.1', state: 'PLANNED', releasedOn: '2027-04-07', version: 2 });
    const stale = await refusal(core.api.updateRelease(pm, { name: '2027.1', state: 'RELEASED', expectedVersion: 1 }));
    expect(stale.extensions?.code).toBe('CONFLICT');
    const renamed = await core.api.updateRelease(pm, { name: 'Pike', rename: 'Pike-2017' });
    expect({ name: renamed.name, state: (await stored(renamed.name)).state }).toEqual({ name: 'Pike-2017', state: 'RELEASED' });
  });

  it('moves the completing release of a loop when the order of releases changes', async () => {
    const operator = await core.actor('OPERATOR', 'Olga');
    await core.api.submitFeedback(operator, { title: 'Cells v2 everywhere', origin: 'OPERATOR' });
    for (const [name, release] of [
      ['cells-a', 'Ocata'],
      ['cells-b', 'Newton'],
    ]) {
      await core.api.createBlueprint(lead, { project: 'nova', name, title: 'Cells work' });
      await core.api.linkBlueprint(lead, { project: 'nova', name, feedbackKey: 'FB-1' });
      await core.api.recordReleaseOutcome(pm, { project: 'nova', name, release, result: 'DELIVERED' });
    }
    const completed = async () => {
      const { stage, completedIn } = await core.trace('FB-1');
      return { stage, completedIn };
    };
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: 'Ocata' });

    await core.api.updateRelease(pm, { name: 'Newton', sequence: 100 });
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: 'Newton' });
    const closedBy = async (name: string) => core.context.get(LoopsService).closedBy((await stored(name)).id, {});
    expect((await closedBy('Newton')).nodes.map((item) => item.key)).toEqual(['FB-1']);
    expect(await (await closedBy('Ocata')).totalCount).toBe(0);
  });

  it('clears the verdict when a product manager reopens a confirmed loop', async () => {
    const submitter = await core.actor('USER', 'Uma');
    await core.api.submitFeedback(submitter, { title: 'Nicer error pages', origin: 'USER' });
    await core.api.closeLoop(pm, { key: 'FB-2', resolution: 'DECLINED', note: 'Horizon is frozen' });
    await core.api.verifyClosure(submitter, { key: 'FB-2', verdict: 'CONFIRMED' });
    const reopened = await core.api.reopenLoop(pm, { key: 'FB-2', note: 'Horizon thawed' });
    const { verification, closure } = await core.trace('FB-2');
    expect({ stage: reopened.stage, verification, closure }).toEqual({ stage: 'REQUESTED', verification: null, closure: null });
  });
});
