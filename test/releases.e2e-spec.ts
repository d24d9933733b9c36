import { startService, TestService } from './support/service';

describe('releases', () => {
  let service: TestService;
  let pm: string;
  let lead: string;

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;
  });

  afterAll(() => service.close());

  it('lists releases in their order and edits only what an update names', async () => {
    await service.ok(pm, `mutation { createRelease(input: { name: "Ocata", state: RELEASED, startsOn: "2016-10-06", releasedOn: "2017-02-22" }) { release { sequence } } }`);
    await service.ok(pm, `mutation { createRelease(input: { name: "Pike", state: IN_DEVELOPMENT }) { release { sequence } } }`);
    await service.ok(pm, `mutation { createRelease(input: { name: "Newton", state: RELEASED, sequence: 0 }) { release { sequence } } }`);
    const list = await service.ok(pm, `{ releases { nodes { name sequence state } } }`);
    expect(list.releases.nodes).toEqual([
      { name: 'Newton', sequence: 0, state: 'RELEASED' },
      { name: 'Ocata', sequence: 1, state: 'RELEASED' },
      { name: 'Pike', sequence: 2, state: 'IN_DEVELOPMENT' },
    ]);

    const updated = await service.ok(pm, `mutation { updateRelease(input: { name: "pike", releasedOn: "2017-08-30" }) { release { name state releasedOn version } } }`);
    expect(updated.updateRelease.release).toEqual({ name: 'Pike', state: 'IN_DEVELOPMENT', releasedOn: '2017-08-30', version: 2 });
    const stale = await service.gql(pm, `mutation { updateRelease(input: { name: "Pike", state: RELEASED, expectedVersion: 1 }) { release { name } } }`);
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    const renamed = await service.ok(pm, `mutation { updateRelease(input: { name: "Pike", rename: "Pike-2017", state: RELEASED }) { release { name state } } }`);
    expect(renamed.updateRelease.release).toEqual({ name: 'Pike-2017', state: 'RELEASED' });
  });

  it('moves the completing release of a loop when the order of releases changes', async () => {
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    await service.ok(operator, `mutation { submitFeedback(input: { title: "Cells v2 everywhere", origin: OPERATOR }) { feedback { key } } }`);
    for (const [name, release] of [
      ['cells-a', 'Ocata'],
      ['cells-b', 'Newton'],
    ]) {
      await service.ok(lead, `mutation($n: String!) { createBlueprint(input: { project: "nova", name: $n, title: "Cells work" }) { blueprint { key } } }`, { n: name });
      await service.ok(lead, `mutation($n: String!) { linkBlueprint(input: { project: "nova", name: $n, feedbackKey: "FB-1" }) { blueprint { key } } }`, { n: name });
      await service.ok(pm, `mutation($n: String!, $r: String!) { recordReleaseOutcome(input: { project: "nova", name: $n, release: $r, result: DELIVERED }) { outcome { id } } }`, {
        n: name,
        r: release,
      });
    }
    const completed = async () => (await service.ok(pm, `{ loop(key: "FB-1") { stage completedIn { name } } }`)).loop;
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: { name: 'Ocata' } });

    await service.ok(pm, `mutation { updateRelease(input: { name: "Newton", sequence: 5 }) { release { sequence } } }`);
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: { name: 'Newton' } });
    const newton = await service.ok(pm, `{ release(name: "Newton") { closedLoops { nodes { key } } } ocata: release(name: "Ocata") { closedLoops { totalCount } } }`);
    expect(newton).toEqual({ release: { closedLoops: { nodes: [{ key: 'FB-1' }] } }, ocata: { closedLoops: { totalCount: 0 } } });
  });

  it('clears the verdict when a product manager reopens a confirmed loop', async () => {
    const submitter = await service.actor('USER', 'Uma');
    await service.ok(submitter.token, `mutation { submitFeedback(input: { title: "Nicer error pages", origin: USER }) { feedback { key } } }`);
    await service.ok(pm, `mutation { closeLoop(input: { key: "FB-2", resolution: DECLINED, note: "Horizon is frozen" }) { loop { stage } } }`);
    await service.ok(submitter.token, `mutation { verifyClosure(input: { key: "FB-2", verdict: CONFIRMED }) { loop { stage } } }`);
    const reopened = await service.ok(pm, `mutation { reopenLoop(input: { key: "FB-2", note: "Horizon thawed" }) { loop { stage verification { verdict } closure { resolution } } } }`);
    expect(reopened.reopenLoop.loop).toEqual({ stage: 'REQUESTED', verification: null, closure: null });
  });
});
