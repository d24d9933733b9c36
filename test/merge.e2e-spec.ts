import { startService, TestService } from './support/service';

/** A duplicate is merged into its survivor: votes and links move over, it closes as DUPLICATE, its history stays. */
describe('merging duplicates', () => {
  let service: TestService;
  let first: { token: string; email: string };
  let second: { token: string; email: string };
  let voterA: string;
  let voterB: string;
  let pm: string;
  let lead: string;

  beforeAll(async () => {
    service = await startService();
    first = await service.actor('OPERATOR', 'First Reporter');
    second = await service.actor('USER', 'Second Reporter');
    voterA = (await service.actor('USER', 'Voter A')).token;
    voterB = (await service.actor('OPERATOR', 'Voter B')).token;
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;

    const { api } = service;
    await api.submitFeedback(first.token, { title: 'Live resize of volumes', origin: 'OPERATOR' });
    await api.submitFeedback(second.token, { title: 'Extend attached volumes without detaching', origin: 'OPERATOR' });
    await api.voteFeedback(voterA, { key: 'FB-1' });
    await api.voteFeedback(voterA, { key: 'FB-2' });
    await api.voteFeedback(voterB, { key: 'FB-2' });
    await api.createTheme(pm, { title: 'Block storage', kind: 'THEME' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-2', themeKey: 'TH-1' });
    await api.createBlueprint(lead, { project: 'cinder', name: 'extend-attached', title: 'Extend attached volumes' });
    await api.linkBlueprint(lead, { project: 'cinder', name: 'extend-attached', feedbackKey: 'FB-2' });
  });

  afterAll(() => service.close());

  it('moves votes and links to the survivor and closes the duplicate as DUPLICATE', async () => {
    const before = await service.ok<{ loop: unknown }>(pm, `{ loop(key: "FB-1") { stage feedback { voteCount } } }`);
    expect(before.loop).toEqual({ stage: 'REQUESTED', feedback: { voteCount: 1 } });

    const merged = await service.ok<{ mergeFeedback: unknown }>(
      pm,
      `mutation { mergeFeedback(input: { duplicateKey: "FB-2", survivorKey: "FB-1" }) {
        duplicate { key stage mergedInto { key } }
        survivor { key stage voteCount }
      } }`,
    );
    expect(merged.mergeFeedback).toEqual({
      duplicate: { key: 'FB-2', stage: 'CLOSED', mergedInto: { key: 'FB-1' } },
      // Voter A voted for both and counts once; voter B and the duplicate's submitter come over.
      survivor: { key: 'FB-1', stage: 'PLANNED', voteCount: 3 },
    });

    const trace = await service.ok<{
      survivor: { themes: unknown; blueprints: unknown };
      duplicate: { timeline: { nodes: Array<{ type: string }> } };
    }>(
      pm,
      `{
        survivor: loop(key: "FB-1") { themes { theme { key } rationale } blueprints { blueprint { key } direct } }
        duplicate: loop(key: "FB-2") {
          stage resolution closure { note } duplicateOf { key } themes { theme { key } } blueprints { blueprint { key } }
          timeline(first: 50) { nodes { type } }
        }
      }`,
    );
    expect(trace.survivor.themes).toEqual([{ theme: { key: 'TH-1' }, rationale: 'from FB-2' }]);
    expect(trace.survivor.blueprints).toEqual([{ blueprint: { key: 'cinder/extend-attached' }, direct: true }]);
    expect(trace.duplicate).toMatchObject({
      stage: 'CLOSED',
      resolution: 'DUPLICATE',
      closure: { note: 'duplicate of FB-1' },
      duplicateOf: { key: 'FB-1' },
      themes: [],
      blueprints: [],
    });
    const history = trace.duplicate.timeline.nodes.map((event) => event.type);
    expect(history).toEqual(
      expect.arrayContaining(['feedback.submitted', 'feedback.voted', 'link.created', 'link.removed', 'feedback.merged', 'loop.closed']),
    );
    expect(await service.count('feedback_vote')).toBe(5);
    expect(await service.count('feedback_theme_link')).toBe(2);
  });

  it('keeps the duplicate out of new votes and links, and points at the survivor', async () => {
    const vote = await service.gql(voterB, `mutation { voteFeedback(input: { key: "FB-2" }) { feedback { key } } }`);
    expect(vote.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('FB-1') });
    const link = await service.gql(pm, `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-2", themeKey: "TH-1" }) { theme { key } } }`);
    expect(link.errors?.[0].extensions?.code).toBe('CONFLICT');
    const reopen = await service.gql(pm, `mutation { reopenLoop(input: { key: "FB-2", note: "oops" }) { loop { stage } } }`);
    expect(reopen.errors?.[0].extensions?.code).toBe('CONFLICT');
    const dispute = await service.gql(second.token, `mutation { verifyClosure(input: { key: "FB-2", verdict: DISPUTED }) { loop { stage } } }`);
    expect(dispute.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('refuses to merge an item into itself, twice, or into a merged duplicate', async () => {
    await service.api.submitFeedback(first.token, { title: 'Resize volumes online', origin: 'OPERATOR' });
    const merge = (duplicateKey: string, survivorKey: string) =>
      service.gql(pm, `mutation($d: String!, $s: String!) { mergeFeedback(input: { duplicateKey: $d, survivorKey: $s }) { survivor { key } } }`, {
        d: duplicateKey,
        s: survivorKey,
      });
    expect((await merge('FB-3', 'FB-3')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.survivorKey' }] });
    expect((await merge('FB-2', 'FB-3')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await merge('FB-3', 'FB-2')).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await merge('FB-3', 'FB-99')).errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', field: 'input.survivorKey' });
  });
});
