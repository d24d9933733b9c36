import { Actor } from '../src/actors/actor.entity';
import type { Trace } from '../src/loops/trace';
import { refusal, startCore, TestCore } from './support/core';

/** A duplicate is merged into its survivor: votes and links move over, it closes as DUPLICATE, its history stays. */
describe('merging duplicates', () => {
  let core: TestCore;
  let first: Actor;
  let second: Actor;
  let voterA: Actor;
  let voterB: Actor;
  let pm: Actor;
  let lead: Actor;

  beforeAll(async () => {
    core = await startCore();
    first = await core.actor('OPERATOR', 'First Reporter');
    second = await core.actor('USER', 'Second Reporter');
    voterA = await core.actor('USER', 'Voter A');
    voterB = await core.actor('OPERATOR', 'Voter B');
    pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    lead = await core.actor('TECH_LEAD', 'Tom');

    const { api } = core;
    await api.submitFeedback(first, { title: 'Live resize of volumes', origin: 'OPERATOR' });
    await api.submitFeedback(second, { title: 'Extend attached volumes without detaching', origin: 'OPERATOR' });
    await api.voteFeedback(voterA, { key: 'FB-1' });
    await api.voteFeedback(voterA, { key: 'FB-2' });
    await api.voteFeedback(voterB, { key: 'FB-2' });
    await api.createTheme(pm, { title: 'Block storage', kind: 'THEME' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-2', themeKey: 'TH-1' });
    await api.createBlueprint(lead, { project: 'cinder', name: 'extend-attached', title: 'Extend attached volumes' });
    await api.linkBlueprint(lead, { project: 'cinder', name: 'extend-attached', feedbackKey: 'FB-2' });
  });

  afterAll(() => core.close());

  const blueprintsOf = (trace: Trace) =>
    trace.projects.flatMap((project) => project.blueprints).map((blueprint) => ({ key: blueprint.key, direct: blueprint.direct }));

  it('moves votes and links to the survivor and closes the duplicate as DUPLICATE', async () => {
    const before = await core.trace('FB-1');
    expect({ stage: before.stage, votes: before.votes }).toEqual({ stage: 'REQUESTED', votes: 1 });

    const merged = await core.api.mergeFeedback(pm, { duplicateKey: 'FB-2', survivorKey: 'FB-1' });
    expect(merged).toEqual({ duplicate: { key: 'FB-2', stage: 'CLOSED' }, survivor: { key: 'FB-1', stage: 'PLANNED' } });

    const survivor = await core.trace('FB-1');
    // Voter A voted for both and counts once; voter B and the duplicate's submitter come over.
    expect(survivor.votes).toBe(3);
    expect(survivor.themes.map((theme) => ({ key: theme.key, rationale: theme.rationale }))).toEqual([{ key: 'TH-1', rationale: 'from FB-2' }]);
    expect(blueprintsOf(survivor)).toEqual([{ key: 'cinder/extend-attached', direct: true }]);

    const duplicate = await core.trace('FB-2');
    expect(duplicate).toMatchObject({
      stage: 'CLOSED',
      closure: { resolution: 'DUPLICATE', note: 'duplicate of FB-1' },
      duplicateOf: 'FB-1',
      themes: [],
    });
    expect(blueprintsOf(duplicate)).toEqual([]);
    const history = duplicate.timeline.map((event) => event.type);
    expect(history).toEqual(
      expect.arrayContaining(['feedback.submitted', 'feedback.voted', 'link.created', 'link.removed', 'feedback.merged', 'loop.closed']),
    );
    expect(await core.count('feedback_vote')).toBe(5);
    expect(await core.count('feedback_theme_link')).toBe(2);
  });

  it('keeps the duplicate out of new votes and links, and points at the survivor', async () => {
    expect(await refusal(core.api.voteFeedback(voterB, { key: 'FB-2' }))).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('FB-1') });
    expect((await refusal(core.api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-2', themeKey: 'TH-1' }))).extensions?.code).toBe('CONFLICT');
    expect((await refusal(core.api.reopenLoop(pm, { key: 'FB-2', note: 'oops' }))).extensions?.code).toBe('CONFLICT');
    expect((await refusal(core.api.verifyClosure(second, { key: 'FB-2', verdict: 'DISPUTED' }))).extensions?.code).toBe('CONFLICT');
  });

  it('refuses to merge an item into itself, twice, or into a merged duplicate', async () => {
    await core.api.submitFeedback(first, { title: 'Resize volumes online', origin: 'OPERATOR' });
    const merge = async (duplicateKey: string, survivorKey: string) => (await refusal(core.api.mergeFeedback(pm, { duplicateKey, survivorKey }))).extensions;
    expect(await merge('FB-3', 'FB-3')).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.survivorKey' }] });
    expect((await merge('FB-2', 'FB-3'))?.code).toBe('CONFLICT');
    expect((await merge('FB-3', 'FB-2'))?.code).toBe('CONFLICT');
    expect(await merge('FB-3', 'FB-99')).toEqual({ code: 'NOT_FOUND', field: 'input.survivorKey' });
  });
});
