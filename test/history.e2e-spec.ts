import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN } from './support/config';
import { startCore, TestCore } from './support/core';
import { startService, TestService } from './support/service';

interface EventPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ type: string; recordKey: string; occurredAt: string } & Record<string, unknown>>;
}

/** The audit log: every change an event with its actor, queryable. */
describe('history you can audit', () => {
  let service: TestService;
  let operator: { token: string; email: string };
  let pm: string;
  let lead: { token: string; email: string };

  beforeAll(async () => {
    service = await startService();
    operator = await service.actor('OPERATOR', 'Olga');
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = await service.actor('TECH_LEAD', 'Tom');
    const { api } = service;
    await api.submitFeedback(operator.token, { title: 'Bulk-delete servers', origin: 'OPERATOR' });
    service.clock.advanceDays(1);
    await api.triageFeedback(pm, { key: 'FB-1', note: 'ops want it' });
    await api.createTheme(pm, { title: 'Day-two operations', kind: 'THEME' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1', rationale: 'ops' });
    service.clock.advanceDays(1);
    await api.createBlueprint(lead.token, { project: 'nova', name: 'bulk-delete', title: 'Bulk delete' });
    await api.linkBlueprint(lead.token, { project: 'nova', name: 'bulk-delete', themeKey: 'TH-1' });
    await api.updateBlueprint(lead.token, { project: 'nova', name: 'bulk-delete', implementationStatus: 'GOOD_PROGRESS' });
  });

  afterAll(() => service.close());

  const EVENTS = `query($filter: EventFilter, $first: Int, $after: String) {
    events(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { type recordType recordKey recordKeys loopKeys occurredAt actor { email } before after data }
    }
  }`;
  const page = async (token: string, variables: Record<string, unknown>) => (await service.ok<{ events: EventPage }>(token, EVENTS, variables)).events;
  const events = (filter: Record<string, unknown>, token = pm) => page(token, { filter });

  it('lists events newest first, each with its actor, time, record and before/after', async () => {
    const all = await events({});
    expect(all.nodes[0]).toMatchObject({
      type: 'loop.stage_changed',
      recordKey: 'FB-1',
      loopKeys: ['FB-1'],
      actor: { email: lead.email },
      before: { stage: 'PLANNED' },
      after: { stage: 'IN_DEVELOPMENT' },
    });
    expect(all.nodes[1]).toMatchObject({
      type: 'blueprint.updated',
      recordKey: 'nova/bulk-delete',
      loopKeys: ['FB-1'],
      before: { implementationStatus: 'UNKNOWN' },
      after: { implementationStatus: 'GOOD_PROGRESS' },
    });
  });

  it('filters by record key, reaching both ends of a link', async () => {
    const theme = await events({ recordKey: 'TH-1' });
    expect(theme.nodes.map((event) => event.type)).toEqual(['link.created', 'link.created', 'theme.created']);
    const link = theme.nodes[1];
    expect(link).toMatchObject({ recordKey: 'FB-1~TH-1', recordKeys: ['FB-1', 'FB-1~TH-1', 'TH-1'], data: { kind: 'feedback-theme', rationale: 'ops' } });
  });

  it('filters by actor, type and time range, and pages with cursors', async () => {
    const byLead = await events({ actorEmail: lead.email, types: ['blueprint.created', 'blueprint.updated'] });
    expect(byLead.nodes.map((event) => event.type)).toEqual(['blueprint.updated', 'blueprint.created']);
    const firstDay = await events({ since: '2026-01-05T00:00:00Z', until: '2026-01-06T00:00:00Z', types: ['feedback.submitted', 'loop.triaged'] });
    expect(firstDay.nodes.map((event) => event.type)).toEqual(['feedback.submitted']);

    const loop = await events({ loopKey: 'FB-1' });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const next = await page(pm, { filter: { loopKey: 'FB-1' }, first: 3, after });
      seen.push(...next.nodes.map((event) => `${event.type}@${event.occurredAt}`));
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(loop.nodes.map((event) => `${event.type}@${event.occurredAt}`));
    expect(seen.length).toBe(loop.totalCount);
  });

  it('shows events about actors and tokens to admins only', async () => {
    const asManager = await events({ types: ['actor.created', 'token.issued'] });
    expect(asManager.totalCount).toBe(0);
    const asAdmin = await events({ types: ['actor.created', 'token.issued'] }, ADMIN_TOKEN);
    expect(asAdmin.totalCount).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(asAdmin)).not.toMatch(/lt_[\w-]{20,}/);
    expect((await service.gql(operator.token, EVENTS, { filter: {} })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

/** The audit log is never rewritten: the database refuses it, and no code tries. */
describe('history that stays as it was written', () => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startCore();
    // Events of a loop, so that every table of the history holds rows for the refused statements to reach.
    await core.api.submitFeedback(await core.actor('OPERATOR', 'Olga'), { title: 'Bulk-delete servers', origin: 'OPERATOR' });
  });

  afterAll(() => core.close());

  it('refuses any UPDATE or DELETE of the history in the database itself', async () => {
    for (const statement of [
      'UPDATE loop_event SET type = type',
      'DELETE FROM loop_event',
      'UPDATE loop_event_loop SET feedback_id = feedback_id',
      'DELETE FROM loop_event_loop',
      'DELETE FROM loop_event_record',
    ]) {
      await expect(core.sql(statement)).rejects.toThrow(/append-only/);
    }
  });

  it('has no code path that updates or deletes events', () => {
    const sources: string[] = [];
    const walk = (directory: string) => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) sources.push(path);
      }
    };
    walk(join(__dirname, '..', 'src'));
    const offending = sources.filter((path) => {
      const text = readFileSync(path, 'utf8');
      return (
        /\.(update|delete|remove|softDelete|softRemove|upsert)\(\s*(LoopEvent|LoopEventLoop|LoopEventRecord)\b/.test(text) ||
        /(UPDATE|DELETE FROM)\s+"?loop_event/i.test(text)
      );
    });
    expect(offending).toEqual([]);
  });
});
