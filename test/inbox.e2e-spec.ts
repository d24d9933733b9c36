import { Actor } from '../src/actors/actor.entity';
import { validateInput } from '../src/common/validation.pipe';
import { loadConfig } from '../src/config/config';
import { FeedbackService } from '../src/feedback/feedback.service';
import { LoopsArgs } from '../src/loops/dto/loop.inputs';
import { LoopsService } from '../src/loops/loops.service';
import { StallWatch } from '../src/loops/stall-watch';
import { LoopStateStore } from '../src/loops/loop-state';
import { NotificationsService } from '../src/notifications/notifications.service';
import { ADMIN_TOKEN } from './support/config';
import { refusal, startCore, TestCore } from './support/core';
import { startService, TestService } from './support/service';
import { waitFor } from './support/wait';

/** Closing the loop with the people who asked: their inbox, and the liaison's view of stalled loops. */
describe('the requester inbox', () => {
  let core: TestCore;
  let submitter: Actor;
  let voter: Actor;
  let bystander: Actor;
  let pm: Actor;
  let lead: Actor;

  /** The actor's inbox as the API's viewer shows it to them. */
  const inbox = async (who: Actor, unreadOnly = false) => {
    const notifications = core.context.get(NotificationsService);
    const page = await notifications.inbox(who.id, unreadOnly, {});
    const loops = new Map((await core.context.get(FeedbackService).byIds(page.nodes.map((notification) => notification.feedbackId))).map((item) => [item.id, item]));
    return {
      unreadNotificationCount: await notifications.unreadCount(who.id),
      notifications: {
        totalCount: await page.totalCount,
        nodes: page.nodes.map(({ id, kind, message, asksVerification, readAt, feedbackId }) => {
          const { key, stage } = loops.get(feedbackId)!;
          return { id, kind, message, asksVerification, read: readAt !== null, loop: { key, stage } };
        }),
      },
    };
  };

  beforeAll(async () => {
    core = await startCore();
    submitter = await core.actor('OPERATOR', 'Olga');
    voter = await core.actor('USER', 'Uma');
    bystander = await core.actor('USER', 'Ben');
    pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    lead = await core.actor('TECH_LEAD', 'Tom');
  });

  afterAll(() => core.close());

  it('tells the submitter and the voters when their loop is released, closed and reopened', async () => {
    const { api } = core;
    await api.submitFeedback(submitter, { title: 'Quota usage per project', origin: 'OPERATOR' });
    await api.voteFeedback(voter, { key: 'FB-1' });
    await api.createBlueprint(lead, { project: 'nova', name: 'quota-usage', title: 'Quota usage' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'quota-usage', feedbackKey: 'FB-1' });
    expect((await inbox(submitter)).notifications.totalCount).toBe(0);

    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'quota-usage', release: 'Queens', result: 'DELIVERED' });
    const released = await inbox(voter);
    expect(released.notifications.nodes).toEqual([
      {
        id: expect.any(Number),
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
    const notifications = core.context.get(NotificationsService);
    const before = await inbox(voter, true);
    expect(before.unreadNotificationCount).toBe(3);
    const [first] = before.notifications.nodes;
    const marked = await notifications.markRead(voter, [first.id]);
    expect({
      unreadCount: await notifications.unreadCount(voter.id),
      notifications: marked.map(({ id, readAt }) => ({ id, read: readAt !== null })),
    }).toEqual({ unreadCount: 2, notifications: [{ id: first.id, read: true }] });
    expect((await inbox(voter, true)).notifications.totalCount).toBe(2);
    expect((await refusal(notifications.markRead(bystander, [first.id]))).extensions?.code).toBe('FORBIDDEN');
  });

  it('tells the voters of a merged duplicate where its loop goes on', async () => {
    const { api } = core;
    await api.submitFeedback(bystander, { title: 'Show quota usage', origin: 'USER' });
    await api.voteFeedback(voter, { key: 'FB-2' });
    await api.submitFeedback(submitter, { title: 'Quota dashboard', origin: 'OPERATOR' });
    await api.mergeFeedback(pm, { duplicateKey: 'FB-2', survivorKey: 'FB-3' });
    const [merged] = (await inbox(bystander)).notifications.nodes;
    expect(merged).toMatchObject({ kind: 'MERGED', message: 'FB-2 "Show quota usage" was merged into FB-3, where its loop goes on; your vote went with it.' });
    expect((await inbox(voter)).notifications.nodes[0].kind).toBe('MERGED');
  });
});

/** Who may read an inbox is the API's to say. */
describe('the inbox through the API', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService();
    await service.actor('USER', 'Uma');
  });

  afterAll(() => service.close());

  it('keeps each inbox to its owner, even from admins', async () => {
    const result = await service.gql(ADMIN_TOKEN, `{ actors { nodes { email notifications { totalCount } } } }`);
    expect(result.errors?.[0]).toMatchObject({ message: 'An inbox is read only by its owner.', extensions: { code: 'FORBIDDEN' } });
  });
});

describe('stalled loops', () => {
  let core: TestCore;
  let pm: Actor;

  beforeAll(async () => {
    core = await startCore();
    pm = await core.actor('PRODUCT_MANAGER', 'Pat');
    const operator = await core.actor('OPERATOR', 'Olga');
    for (const title of ['Stalls early', 'Keeps moving', 'Gets closed']) await core.api.submitFeedback(operator, { title, origin: 'OPERATOR' });
  });

  afterAll(() => core.close());

  /** The loops the API lists as stalled for 30 days, oldest first, with when each stalled. */
  const stalled = async () => {
    const args = await validateInput(LoopsArgs, { filter: { stalledForDays: 30 }, orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
    const loopState = core.context.get(LoopStateStore);
    return (await core.context.get(LoopsService).list(args)).nodes.map((item) => ({ key: item.key, stalledSince: loopState.stalledSince(item)?.toISOString() }));
  };
  /** The stalls the history recorded, newest first, as the audit log lists them. */
  const stallEvents = async () =>
    (
      await core.sql<{ record_key: string; actor_id: number | null; data: string }>(
        `SELECT record_key, actor_id, data FROM loop_event WHERE type = 'loop.stalled' ORDER BY id DESC`,
      )
    ).map((row) => ({ recordKey: row.record_key, actorId: row.actor_id, data: JSON.parse(row.data) as unknown }));

  it('reports a loop with no event for the configured days once per stall, and anew after it moved', async () => {
    const watch = core.context.get(StallWatch);
    core.clock.advanceDays(20);
    await core.api.triageFeedback(pm, { key: 'FB-2' });
    await core.api.closeLoop(pm, { key: 'FB-3', resolution: 'DECLINED', note: 'not ours' });
    expect(await watch.sweep()).toBe(0);

    core.clock.advanceDays(11);
    expect(await stalled()).toEqual([{ key: 'FB-1', stalledSince: '2026-02-04T09:00:00.000Z' }]);
    expect(await watch.sweep()).toBe(1);
    expect(await watch.sweep()).toBe(0);
    const [event] = await stallEvents();
    expect(event).toEqual({
      recordKey: 'FB-1',
      actorId: null,
      data: { stage: 'REQUESTED', lastEventAt: '2026-01-05T09:00:00.000Z', days: 30, waitingOn: ['a product manager to triage it'] },
    });

    core.clock.advanceDays(30);
    expect(await watch.sweep()).toBe(1);
    expect((await stallEvents()).map((e) => e.recordKey)).toEqual(['FB-2', 'FB-1']);
    expect(await watch.sweep()).toBe(0);

    await core.api.triageFeedback(pm, { key: 'FB-1' });
    expect((await stalled()).map((loop) => loop.key)).toEqual(['FB-2']);
    core.clock.advanceDays(31);
    expect(await watch.sweep()).toBe(1);
    expect((await stallEvents()).map((e) => e.recordKey)).toEqual(['FB-1', 'FB-2', 'FB-1']);
    expect((await core.trace('FB-1')).timeline.filter((e) => e.type === 'loop.stalled')).toHaveLength(2);
  });
});

describe('the periodic stall sweep', () => {
  it('runs by itself at the configured interval', async () => {
    const defaults = loadConfig({});
    const core = await startCore({ stalls: { ...defaults.stalls, sweepMs: 20 } });
    try {
      const operator = await core.actor('OPERATOR', 'Olga');
      await core.api.submitFeedback(operator, { title: 'Forgotten request', origin: 'OPERATOR' });
      core.clock.advanceDays(45);
      const stalls = await waitFor('the sweep', async () => {
        const [{ n }] = await core.sql<{ n: string | number }>(`SELECT COUNT(*) AS n FROM loop_event WHERE type = 'loop.stalled'`);
        return Number(n);
      });
      expect(stalls).toBe(1);
    } finally {
      await core.close();
    }
  });
});
