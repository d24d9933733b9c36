import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

/** What TRACE selects of a loop, as far as the journey reads it. */
interface TracedLoop {
  stage: string;
  waitingOn: string[];
  themes: unknown[];
  blueprints: unknown[];
  projects: unknown[];
  stages: Array<{ stage: string; seconds: number; stays: number }>;
  closure: unknown;
  completedIn: { name: string } | null;
  timeline: { nodes: Array<{ type: string; actor: { name: string } | null; after: { stage?: string } | null }> };
}

/**
 * One loop walked through every stage by the roles that move it, over HTTP
 * against a real database file.
 */
describe('the journey of a loop', () => {
  let service: TestService;
  let operator: { token: string; email: string };
  let user: { token: string; email: string };
  let pm: string;
  let lead: string;

  const TRACE = `query($key: String!) {
    loop(key: $key) {
      key stage stageEnteredAt waitingOn resolution
      feedback { key title voteCount submitter { email } projects tags }
      themes { theme { key kind parent { key } ancestors { key } } rationale linkedBy { name } }
      blueprints { blueprint { key } direct viaThemes { key } delivered counts outcomes { result release { name } } }
      projects { project delivered blueprints { blueprint { name } } }
      stages { stage seconds stays }
      stageHistory { stage enteredAt leftAt seconds }
      closure { resolution note closedBy { name } }
      verification { verdict note }
      completedIn { name }
      timeline(first: 100) { totalCount nodes { type recordKey actor { name } before after } }
    }
  }`;

  const trace = async (key = 'FB-1') => (await service.ok<{ loop: TracedLoop }>(pm, TRACE, { key })).loop;

  beforeAll(async () => {
    service = await startService();
    operator = await service.actor('OPERATOR', 'Olga Operator');
    user = await service.actor('USER', 'Uma User');
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom Lead')).token;
  });

  afterAll(() => service.close());

  it('walks from the request to a confirmed closure', async () => {
    const submitted = await service.ok<{ submitFeedback: { feedback: unknown } }>(
      operator.token,
      `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedback { key stage voteCount } } }`,
      {
        input: {
          title: 'Upgrade compute and network without downtime',
          body: 'We run Newton and every upgrade takes the cloud down.',
          origin: 'OPERATOR',
          releaseInUse: 'Newton',
          projects: ['nova', 'Neutron'],
          tags: ['#upgrades'],
          sourceUrl: 'https://etherpad.openstack.org/p/BOS-ops-upgrades',
        },
      },
    );
    expect(submitted.submitFeedback.feedback).toEqual({ key: 'FB-1', stage: 'REQUESTED', voteCount: 0 });

    const voted = await service.ok<{ voteFeedback: { feedback: unknown } }>(user.token, `mutation { voteFeedback(input: { key: "FB-1" }) { feedback { voteCount viewerHasVoted } } }`);
    expect(voted.voteFeedback.feedback).toEqual({ voteCount: 1, viewerHasVoted: true });
    expect((await trace()).waitingOn).toEqual(['a product manager to triage it']);

    await service.api.triageFeedback(pm, { key: 'FB-1', note: 'Top ask of the ops meetup' });
    expect((await trace()).stage).toBe('TRIAGED');

    service.clock.advanceDays(2);
    const story = await service.ok<{ createTheme: { theme: unknown } }>(
      pm,
      `mutation { createTheme(input: { title: "Rolling upgrades", kind: USER_STORY, targetRelease: "Queens" }) { theme { key kind status owner { name } targetRelease { name } } } }`,
    );
    expect(story.createTheme.theme).toEqual({ key: 'TH-1', kind: 'USER_STORY', status: 'ACCEPTED', owner: { name: 'Pat Manager' }, targetRelease: { name: 'Queens' } });
    await service.api.createTheme(pm, { title: 'Compute maintenance mode', kind: 'GAP', parentKey: 'TH-1' });
    await service.api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1', rationale: 'the core of the rolling upgrades story' });
    let loop = await trace();
    expect(loop.stage).toBe('THEMED');
    expect(loop.themes).toEqual([
      { theme: { key: 'TH-1', kind: 'USER_STORY', parent: null, ancestors: [] }, rationale: 'the core of the rolling upgrades story', linkedBy: { name: 'Pat Manager' } },
    ]);

    service.clock.advanceDays(3);
    await service.api.createBlueprint(lead, {
      project: 'nova',
      name: 'maintenance-mode',
      title: 'Put a compute host into maintenance',
      targetRelease: 'Pike',
      priority: 'HIGH',
    });
    await service.api.createBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', title: 'Rolling upgrades of the agents', targetRelease: 'Queens' });
    await service.api.linkBlueprint(lead, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-2', rationale: 'answers the gap' });
    loop = await trace();
    expect(loop.stage).toBe('PLANNED');
    expect(loop.waitingOn).toEqual(['nova blueprint maintenance-mode not started, target Pike']);
    expect(loop.blueprints).toEqual([
      { blueprint: { key: 'nova/maintenance-mode' }, direct: false, viaThemes: [{ key: 'TH-2' }], delivered: false, counts: true, outcomes: [] },
    ]);

    await service.api.linkBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', feedbackKey: 'FB-1' });
    expect((await trace()).stage).toBe('PLANNED');

    service.clock.advanceDays(10);
    await service.api.updateBlueprint(lead, { project: 'nova', name: 'maintenance-mode', implementationStatus: 'STARTED' });
    loop = await trace();
    expect(loop.stage).toBe('IN_DEVELOPMENT');
    expect(loop.waitingOn).toEqual([
      'neutron blueprint rolling-upgrade not started, target Queens',
      'nova blueprint maintenance-mode in progress (STARTED), target Pike',
    ]);

    service.clock.advanceDays(30);
    await service.api.recordReleaseOutcome(pm, { project: 'nova', name: 'maintenance-mode', release: 'Pike', result: 'DELIVERED', notes: 'merged' });
    loop = await trace();
    expect(loop.stage).toBe('IN_DEVELOPMENT');
    expect(loop.waitingOn).toEqual(['neutron blueprint rolling-upgrade not started, target Queens']);
    expect(loop.projects).toEqual([
      { project: 'neutron', delivered: false, blueprints: [{ blueprint: { name: 'rolling-upgrade' } }] },
      { project: 'nova', delivered: true, blueprints: [{ blueprint: { name: 'maintenance-mode' } }] },
    ]);

    await service.api.recordReleaseOutcome(pm, { project: 'neutron', name: 'rolling-upgrade', release: 'Queens', result: 'PARTIAL' });
    expect((await trace()).stage).toBe('IN_DEVELOPMENT');

    service.clock.advanceDays(20);
    await service.api.recordReleaseOutcome(pm, { project: 'neutron', name: 'rolling-upgrade', release: 'Queens', result: 'DELIVERED' });
    loop = await trace();
    expect(loop.stage).toBe('RELEASED');
    expect(loop.completedIn).toEqual({ name: 'Queens' });
    expect(loop.waitingOn).toEqual(['a product manager to close it']);

    const reverse = await service.ok<{ release: { closedLoops: unknown }; blueprint: { requests: unknown }; theme: unknown }>(
      pm,
      `{
        release(name: "Queens") { closedLoops { totalCount nodes { key } } }
        blueprint(project: "nova", name: "maintenance-mode") { requests { totalCount nodes { key feedback { submitter { email } } } } }
        theme(key: "TH-1") { loops { nodes { key } } children { key } blueprints { key } }
      }`,
    );
    expect(reverse.release.closedLoops).toEqual({ totalCount: 1, nodes: [{ key: 'FB-1' }] });
    expect(reverse.blueprint.requests).toEqual({ totalCount: 1, nodes: [{ key: 'FB-1', feedback: { submitter: { email: operator.email } } }] });
    expect(reverse.theme).toEqual({ loops: { nodes: [{ key: 'FB-1' }] }, children: [{ key: 'TH-2' }], blueprints: [] });

    await service.api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'Pike and Queens deliver it' });
    loop = await trace();
    expect(loop.stage).toBe('CLOSED');
    expect(loop.closure).toEqual({ resolution: 'DELIVERED', note: 'Pike and Queens deliver it', closedBy: { name: 'Pat Manager' } });
    expect(loop.waitingOn).toEqual(['the submitter to confirm or dispute the closure']);

    const notTheirs = await service.gql(user.token, `mutation { verifyClosure(input: { key: "FB-1", verdict: CONFIRMED }) { loop { stage } } }`);
    expect(notTheirs.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    service.clock.advanceDays(1);
    const disputed = await service.ok<{ verifyClosure: { loop: unknown } }>(
      operator.token,
      `mutation { verifyClosure(input: { key: "FB-1", verdict: DISPUTED, note: "Neutron agents still restart" }) { loop { stage resolution verification { verdict note } } } }`,
    );
    expect(disputed.verifyClosure.loop).toEqual({
      stage: 'RELEASED',
      resolution: null,
      verification: { verdict: 'DISPUTED', note: 'Neutron agents still restart' },
    });

    await service.api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'Fixed by the agent restart patch' });
    const confirmed = await service.ok<{ verifyClosure: { loop: unknown } }>(
      operator.token,
      `mutation { verifyClosure(input: { key: "FB-1", verdict: CONFIRMED }) { loop { stage waitingOn verification { verdict } } } }`,
    );
    expect(confirmed.verifyClosure.loop).toEqual({ stage: 'CLOSED', waitingOn: [], verification: { verdict: 'CONFIRMED' } });

    loop = await trace();
    const types = loop.timeline.nodes.map((event) => event.type);
    expect(types[0]).toBe('feedback.submitted');
    expect(types).toEqual(
      expect.arrayContaining(['feedback.voted', 'loop.triaged', 'link.created', 'blueprint.updated', 'outcome.recorded', 'loop.released', 'loop.closed', 'loop.disputed', 'loop.reopened', 'loop.verified']),
    );
    const stageChanges = loop.timeline.nodes.filter((event) => event.type === 'loop.stage_changed').map((event) => event.after?.stage);
    expect(stageChanges).toEqual(['TRIAGED', 'THEMED', 'PLANNED', 'IN_DEVELOPMENT', 'RELEASED', 'CLOSED', 'RELEASED', 'CLOSED']);
    expect(loop.stages.map((stage) => stage.stage)).toEqual([
      'REQUESTED',
      'TRIAGED',
      'THEMED',
      'PLANNED',
      'IN_DEVELOPMENT',
      'RELEASED',
      'CLOSED',
    ]);
    const inDevelopment = loop.stages.find((stage) => stage.stage === 'IN_DEVELOPMENT');
    expect(inDevelopment).toEqual({ stage: 'IN_DEVELOPMENT', seconds: 50 * 86_400, stays: 1 });
    expect(loop.stages.find((stage) => stage.stage === 'RELEASED')?.stays).toBe(2);
    // Clients written before stays was the word still read the same numbers under visits.
    const { loop: former } = await service.ok<{ loop: { stages: Array<{ stays: number; visits: number }> } }>(pm, `{ loop(key: "FB-1") { stages { stays visits } } }`);
    expect(former.stages.map((stage) => stage.visits)).toEqual(former.stages.map((stage) => stage.stays));
    const everyEventHasAnActor = loop.timeline.nodes.every((event) => event.actor !== null);
    expect(everyEventHasAnActor).toBe(true);
  });

  it('answers the admin token from the environment', async () => {
    const data = await service.ok<{ viewer: { role: string } }>(ADMIN_TOKEN, `{ viewer { role } }`);
    expect(data.viewer.role).toBe('ADMIN');
  });
});
