import { loadConfig } from '../src/config/config';
import { StallWatch } from '../src/loops/stall-watch';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';
import { waitFor } from './support/wait';

interface Inbox {
  unreadNotificationCount: number;
  notifications: {
    totalCount: number;
    nodes: Array<{ id: string; kind: string; message: string; asksVerification: boolean; read: boolean; loop: { key: string; stage: string } }>;
  };
}

/** Closing the loop with the people who asked: their inbox, and the liaison's view of stalled loops. */
describe('the requester inbox', () => {
  let service: TestService;
  let submitter: string;
  let voter: string;
  let bystander: string;
  let pm: string;
  let lead: string;

  const INBOX = `query($unreadOnly: Boolean) {
    viewer { unreadNotificationCount notifications(unreadOnly: $unreadOnly) { totalCount nodes { id kind message asksVerification read loop { key stage } } } }
  }`;
  const inbox = async (token: string, unreadOnly = false) => (await service.ok<{ viewer: Inbox }>(token, INBOX, { unreadOnly })).viewer;

  beforeAll(async () => {
    service = await startService();
    submitter = (await service.actor('OPERATOR', 'Olga')).token;
    voter = (await service.actor('USER', 'Uma')).token;
    bystander = (await service.actor('USER', 'Ben')).token;
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom')).token;
  });

  afterAll(() => service.close());

  it('tells the submitter and the voters when their loop is released, closed and reopened', async () => {
    const { api } = service;
    await api.submitFeedback(submitter, { title: 'Quota usage per project', origin: 'OPERATOR' });
    await api.voteFeedback(voter, { key: 'FB-1' });
    await api.createBlueprint(lead, { project: 'nova', name: 'quota-usage', title: 'Quota usage' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'quota-usage', feedbackKey: 'FB-1' });
    expect((await inbox(submitter)).notifications.totalCount).toBe(0);

    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'quota-usage', release: 'Queens', result: 'DELIVERED' });
    const released = await inbox(voter);
    expect(released.notifications.nodes).toEqual([
      {
        id: expect.any(String),
        kind: 'RELEASED',
        message: 'FB-1 "Quota usage per project" is released: every blueprint answering it is delivered, the last in Queens.',
        asksVerification: false,
        read: false,
        loop: { key: 'FB-1', stage: 'RELEASED' },
      },
    ]);

    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'see the Queens notes' });
    const forSubmitter = await inbox(submitter);
    expect(forSubmitter.notifications.nodes[0]).toMatchObject({
      kind: 'CLOSED',
      asksVerification: true,
      message: 'FB-1 "Quota usage per project" was closed as delivered: see the Queens notes. Does it do what you asked? Confirm or dispute the closure.',
    });
    expect((await inbox(voter)).notifications.nodes[0]).toMatchObject({ kind: 'CLOSED', asksVerification: false });

    await api.verifyClosure(submitter, { key: 'FB-1', verdict: 'DISPUTED', note: 'only for admins' });
    const afterDispute = await inbox(voter);
    expect(afterDispute.notifications.nodes.map((n) => n.kind)).toEqual(['REOPENED', 'CLOSED', 'RELEASED']);
    expect(afterDispute.notifications.nodes[0].message).toBe('FB-1 "Quota usage per project" was reopened: only for admins.');
    // The submitter disputed it themselves: nobody tells them what they just did.
    expect((await inbox(submitter)).notifications.nodes.map((n) => n.kind)).toEqual(['CLOSED', 'RELEASED']);
    expect((await inbox(bystander)).notifications.totalCount).toBe(0);
  });

  it('marks notifications read, only the viewer\'s own', async () => {
    const before = await inbox(voter, true);
    expect(before.unreadNotificationCount).toBe(3);
    const [first] = before.notifications.nodes;
    const marked = await service.ok<{ markNotificationsRead: unknown }>(voter, `mutation($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { unreadCount notifications { id read } } }`, {
      ids: [first.id],
    });
    expect(marked.markNotificationsRead).toEqual({ unreadCount: 2, notifications: [{ id: first.id, read: true }] });
    expect((await inbox(voter, true)).notifications.totalCount).toBe(2);
    const theirs = await service.gql(bystander, `mutation($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { unreadCount } }`, { ids: [first.id] });
    expect(theirs.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('tells the voters of a merged duplicate where its loop goes on', async () => {
    const { api } = service;
    await api.submitFeedback(bystander, { title: 'Show quota usage', origin: 'USER' });
    await api.voteFeedback(voter, { key: 'FB-2' });
    await api.submitFeedback(submitter, { title: 'Quota dashboard', origin: 'OPERATOR' });
    await api.mergeFeedback(pm, { duplicateKey: 'FB-2', survivorKey: 'FB-3' });
    const [merged] = (await inbox(bystander)).notifications.nodes;
    expect(merged).toMatchObject({ kind: 'MERGED', message: 'FB-2 "Show quota usage" was merged into FB-3, where its loop goes on; your vote went with it.' });
    expect((await inbox(voter)).notifications.nodes[0].kind).toBe('MERGED');
  });

  it('keeps each inbox to its owner, even from admins', async () => {
    const result = await service.gql(ADMIN_TOKEN, `{ actors { nodes { email notifications { totalCount } } } }`);
    expect(result.errors?.[0]).toMatchObject({ message: 'An inbox is read only by its owner.', extensions: { code: 'FORBIDDEN' } });
  });
});

describe('stalled loops', () => {
  let service: TestService;
  let pm: string;

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    const operator = (await service.actor('OPERATOR', 'Olga')).token;
    for (const title of ['Stalls early', 'Keeps moving', 'Gets closed']) await service.api.submitFeedback(operator, { title, origin: 'OPERATOR' });
  });

  afterAll(() => service.close());

  const stalled = async () =>
    (
      await service.ok<{ loops: { nodes: Array<{ key: string; stalledSince: string }> } }>(
        pm,
        `{ loops(filter: { stalledForDays: 30 }, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { key stalledSince } } }`,
      )
    ).loops.nodes;
  const stallEvents = async () =>
    (
      await service.ok<{ events: { nodes: Array<{ recordKey: string; actor: { name: string } | null; data: unknown }> } }>(
        pm,
        `{ events(filter: { types: ["loop.stalled"] }) { nodes { recordKey actor { name } data } } }`,
      )
    ).events.nodes;

  it('reports a loop with no event for the configured days once per stall, and anew after it moved', async () => {
    const watch = service.app.get(StallWatch);
    service.clock.advanceDays(20);
    await service.api.triageFeedback(pm, { key: 'FB-2' });
    await service.api.closeLoop(pm, { key: 'FB-3', resolution: 'DECLINED', note: 'not ours' });
    expect(await watch.sweep()).toBe(0);

    service.clock.advanceDays(11);
    expect(await stalled()).toEqual([{ key: 'FB-1', stalledSince: '2026-02-04T09:00:00.000Z' }]);
    expect(await watch.sweep()).toBe(1);
    expect(await watch.sweep()).toBe(0);
    const [event] = await stallEvents();
    expect(event).toEqual({
      recordKey: 'FB-1',
      actor: null,
      data: { stage: 'REQUESTED', lastEventAt: '2026-01-05T09:00:00.000Z', days: 30, waitingOn: ['a product manager to triage it'] },
    });

    service.clock.advanceDays(30);
    expect(await watch.sweep()).toBe(1);
    expect((await stallEvents()).map((e) => e.recordKey)).toEqual(['FB-2', 'FB-1']);
    expect(await watch.sweep()).toBe(0);

    await service.api.triageFeedback(pm, { key: 'FB-1' });
    expect((await stalled()).map((loop) => loop.key)).toEqual(['FB-2']);
    service.clock.advanceDays(31);
    expect(await watch.sweep()).toBe(1);
    expect((await stallEvents()).map((e) => e.recordKey)).toEqual(['FB-1', 'FB-2', 'FB-1']);
    const timeline = await service.ok<{ loop: { timeline: { nodes: Array<{ type: string }> } } }>(pm, `{ loop(key: "FB-1") { timeline(first: 50) { nodes { type } } } }`);
    expect(timeline.loop.timeline.nodes.filter((e) => e.type === 'loop.stalled')).toHaveLength(2);
  });
});

describe('the periodic stall sweep', () => {
  it('runs by itself at the configured interval', async () => {
    const defaults = loadConfig({});
    const service = await startService({ stalls: { ...defaults.stalls, sweepMs: 20 } });
    try {
      const operator = (await service.actor('OPERATOR', 'Olga')).token;
      const pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
      await service.api.submitFeedback(operator, { title: 'Forgotten request', origin: 'OPERATOR' });
      service.clock.advanceDays(45);
      const stalls = await waitFor(
        'the sweep',
        async () => (await service.ok<{ events: { totalCount: number } }>(pm, `{ events(filter: { types: ["loop.stalled"] }) { totalCount } }`)).events.totalCount,
      );
      expect(stalls).toBe(1);
    } finally {
      await service.close();
    }
  });
});
