import { startService, TestService } from './support/service';

interface Listed {
  releases: { totalCount: number; nodes: Array<{ name: string; state: string } & Record<string, unknown>> };
}

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

  it('ships OpenStack\'s release series, in order, with their dates', async () => {
    const list = await service.ok<Listed>(pm, `{ releases(first: 100) { totalCount nodes { name sequence state releasedOn } } }`);
    const names = list.releases.nodes.map((release) => release.name);
    expect(names.slice(0, 4)).toEqual(['Austin', 'Bexar', 'Cactus', 'Diablo']);
    expect(names).toEqual(expect.arrayContaining(['Liberty', 'Mitaka', 'Zed', '2023.1', '2025.2']));
    expect(list.releases.nodes.find((release) => release.name === 'Liberty')).toEqual({
      name: 'Liberty',
      sequence: 12,
      state: 'RELEASED',
      releasedOn: '2015-10-15',
    });
  });

  it('adds releases after the series, or where their sequence says, and edits only what an update names', async () => {
    await service.api.createRelease(pm, { name: '2027.1', state: 'PLANNED', startsOn: '2026-10-05' });
    await service.api.createRelease(pm, { name: 'Prehistory', state: 'RELEASED', sequence: 0 });
    const list = await service.ok<Listed>(pm, `{ releases(first: 100) { nodes { name state } } }`);
    const nodes = list.releases.nodes;
    expect(nodes[0]).toEqual({ name: 'Prehistory', state: 'RELEASED' });
    expect(nodes.at(-1)).toEqual({ name: '2027.1', state: 'PLANNED' });

    const updated = await service.ok<{ updateRelease: { release: unknown } }>(pm, `mutation { updateRelease(input: { name: "2027.1", releasedOn: "2027-04-07" }) { release { name state releasedOn version } } }`);
    expect(updated.updateRelease.release).toEqual({ name: '2027.1', state: 'PLANNED', releasedOn: '2027-04-07', version: 2 });
    const stale = await service.gql(pm, `mutation { updateRelease(input: { name: "2027.1", state: RELEASED, expectedVersion: 1 }) { release { name } } }`);
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    const renamed = await service.ok<{ updateRelease: { release: unknown } }>(pm, `mutation { updateRelease(input: { name: "Pike", rename: "Pike-2017" }) { release { name state } } }`);
    expect(renamed.updateRelease.release).toEqual({ name: 'Pike-2017', state: 'RELEASED' });
  });

  it('moves the completing release of a loop when the order of releases changes', async () => {
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    const { api } = service;
    await api.submitFeedback(operator, { title: 'Cells v2 everywhere', origin: 'OPERATOR' });
    for (const [name, release] of [
      ['cells-a', 'Ocata'],
      ['cells-b', 'Newton'],
    ]) {
      await api.createBlueprint(lead, { project: 'nova', name, title: 'Cells work' });
      await api.linkBlueprint(lead, { project: 'nova', name, feedbackKey: 'FB-1' });
      await api.recordReleaseOutcome(pm, { project: 'nova', name, release, result: 'DELIVERED' });
    }
    const completed = async () => (await service.ok<{ loop: unknown }>(pm, `{ loop(key: "FB-1") { stage completedIn { name } } }`)).loop;
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: { name: 'Ocata' } });

    await api.updateRelease(pm, { name: 'Newton', sequence: 100 });
    expect(await completed()).toEqual({ stage: 'RELEASED', completedIn: { name: 'Newton' } });
    const newton = await service.ok(pm, `{ release(name: "Newton") { closedLoops { nodes { key } } } ocata: release(name: "Ocata") { closedLoops { totalCount } } }`);
    expect(newton).toEqual({ release: { closedLoops: { nodes: [{ key: 'FB-1' }] } }, ocata: { closedLoops: { totalCount: 0 } } });
  });

  it('clears the verdict when a product manager reopens a confirmed loop', async () => {
    const submitter = await service.actor('USER', 'Uma');
    await service.api.submitFeedback(submitter.token, { title: 'Nicer error pages', origin: 'USER' });
    await service.api.closeLoop(pm, { key: 'FB-2', resolution: 'DECLINED', note: 'Horizon is frozen' });
    await service.api.verifyClosure(submitter.token, { key: 'FB-2', verdict: 'CONFIRMED' });
    const reopened = await service.ok<{ reopenLoop: { loop: unknown } }>(pm, `mutation { reopenLoop(input: { key: "FB-2", note: "Horizon thawed" }) { loop { stage verification { verdict } closure { resolution } } } }`);
    expect(reopened.reopenLoop.loop).toEqual({ stage: 'REQUESTED', verification: null, closure: null });
  });
});
