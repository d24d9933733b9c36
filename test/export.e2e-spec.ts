import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, UsageError } from '../src/cli/commands';
import { Clock } from '../src/common/clock';
import { loadConfig } from '../src/config/config';
import { SqlLogger } from '../src/database/sql-logger';
import type { Trace } from '../src/loops/trace';
import { testConfig } from './support/config';
import { startService, TestService } from './support/service';

const DAY = 86_400_000;

interface Person {
  name: string;
  email: string | null;
}

interface ThemeRef {
  key: string;
  title: string;
  kind: string;
}

/** What TRACE selects of a loop. */
interface TracedLoop {
  key: string;
  stage: string;
  stageEnteredAt: string;
  waitingOn: string[];
  feedback: {
    title: string;
    body: string;
    origin: string;
    organization: string | null;
    releaseInUse: string | null;
    sourceUrl: string | null;
    voteCount: number;
    createdAt: string;
    submitter: Person;
  };
  themes: Array<{ theme: ThemeRef & { ancestors: ThemeRef[] }; rationale: string | null; linkedAt: string }>;
  projects: Array<{
    project: string;
    delivered: boolean;
    blueprints: Array<{
      blueprint: Record<string, unknown> & { targetRelease: { name: string } | null };
      direct: boolean;
      viaThemes: Array<{ key: string }>;
      counts: boolean;
      delivered: boolean;
      outcomes: Array<{ release: { name: string } } & Record<string, unknown>>;
    }>;
  }>;
  stages: unknown[];
  stageHistory: unknown[];
  closure: unknown;
  verification: unknown;
  completedIn: { name: string } | null;
  timeline: { totalCount: number; nodes: unknown[] };
  markdown: string;
  json: string;
}

interface ReleaseReport {
  report: string;
  json: string;
}

/** A loop of the JSON release report. */
interface ReportedLoop {
  key: string;
  title: string;
  stage: string;
  outcomes: unknown[];
  targetedBy: string[];
}

interface ReportedTheme {
  key: string | null;
  title: string;
  counts: { closed: number; moved: number };
  closed: ReportedLoop[];
  moved: ReportedLoop[];
}
const HEADER = 'key,title,origin,stage,stage_entered_at,days_in_stage,votes,projects,themes,submitter,last_event_at';

/** The exports of a loop, a release and the loops table, over GraphQL and from the command line, against one database. */
describe('exports', () => {
  let service: TestService;
  let operator: { token: string; email: string };
  let user: { token: string; email: string };
  let pm: string;
  let lead: string;
  let clockSpy: jest.SpyInstance | undefined;

  const TRACE = `query($key: String!) {
    loop(key: $key) {
      key stage stageEnteredAt waitingOn
      feedback { title body origin organization releaseInUse sourceUrl voteCount createdAt submitter { name email } }
      themes { theme { key title kind ancestors { key title kind } } rationale linkedAt }
      projects {
        project delivered
        blueprints {
          blueprint { key project name title definitionStatus implementationStatus priority targetRelease { name } }
          direct viaThemes { key } counts delivered
          outcomes { result notes releaseNoteUrl recordedAt release { name } }
        }
      }
      stages { stage seconds stays }
      stageHistory { stage enteredAt leftAt seconds }
      closure { resolution note closedAt closedBy { name email } }
      verification { verdict note verifiedAt }
      completedIn { name }
      timeline(first: 100) { totalCount nodes { type occurredAt recordType recordKey before after data actor { name email } } }
      markdown
      json
    }
  }`;

  const trace = async (key = 'FB-1') => (await service.ok<{ loop: TracedLoop }>(pm, TRACE, { key })).loop;

  /** Runs a command line in this process, on the service's database, at the service's time. */
  const cli = async (argv: string[]) => {
    let text = '';
    const code = await run(testConfig(service.database), argv, (chunk) => (text += chunk));
    return { code, text };
  };

  beforeAll(async () => {
    service = await startService({ webhooks: { ...loadConfig({}).webhooks, pollMs: 0 } });
    operator = await service.actor('OPERATOR', 'Olga Operator');
    user = await service.actor('USER', 'Uma User');
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom Lead')).token;
  });

  afterAll(async () => {
    clockSpy?.mockRestore();
    await service.close();
  });

  it('traces a loop as Markdown and JSON, the JSON saying what the Loop says', async () => {
    const { api } = service;
    await api.submitFeedback(operator.token, {
      title: 'Upgrade compute and network without downtime',
      body: 'We run Newton and every upgrade takes the cloud down.',
      origin: 'OPERATOR',
      organization: 'Example Cloud',
      releaseInUse: 'Newton',
      projects: ['nova', 'neutron'],
    });
    await api.voteFeedback(user.token, { key: 'FB-1' });
    await api.triageFeedback(pm, { key: 'FB-1', note: 'Top ask of the ops meetup' });

    service.clock.advanceDays(2);
    await api.createTheme(pm, { title: 'Rolling upgrades', kind: 'USER_STORY', targetRelease: 'Queens' });
    await api.createTheme(pm, { title: 'Compute maintenance mode', kind: 'GAP', parentKey: 'TH-1' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1', rationale: 'the core of the story' });

    service.clock.advanceDays(3);
    await api.createBlueprint(lead, { project: 'nova', name: 'maintenance-mode', title: 'Put a compute host into maintenance', targetRelease: 'Pike', priority: 'HIGH' });
    await api.createBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', title: 'Rolling upgrades of the agents', targetRelease: 'Queens' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-2', rationale: 'answers the gap' });
    await api.linkBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', feedbackKey: 'FB-1' });

    // A second loop with no theme, answered by work that targets Pike.
    await api.submitFeedback(user.token, { title: 'Quota usage drifts from reality', origin: 'USER' });
    await api.createBlueprint(lead, { project: 'nova', name: 'quota-sync', title: 'Resync quota usage, with care', targetRelease: 'Pike' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'quota-sync', feedbackKey: 'FB-2' });

    service.clock.advanceDays(10);
    await api.updateBlueprint(lead, { project: 'nova', name: 'maintenance-mode', implementationStatus: 'STARTED' });
    // A third loop nobody has looked at yet.
    await api.submitFeedback(user.token, { title: 'Say "why", with commas', origin: 'USER' });
    let loop = await trace();
    expect(loop.stage).toBe('IN_DEVELOPMENT');
    expect(loop.markdown).toContain('- neutron blueprint rolling-upgrade not started, target Queens');
    expect(loop.markdown).toContain('- nova blueprint maintenance-mode in progress (STARTED), target Pike');

    service.clock.advanceDays(30);
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'maintenance-mode', release: 'Pike', result: 'DELIVERED', notes: 'merged' });
    service.clock.advanceDays(20);
    await api.recordReleaseOutcome(pm, { project: 'neutron', name: 'rolling-upgrade', release: 'Queens', result: 'DELIVERED' });
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'Pike and Queens deliver it' });
    service.clock.advanceSeconds(3.5 * 86_400);

    loop = await trace();
    expect(loop.stage).toBe('CLOSED');
    const { markdown } = loop;
    expect(markdown.startsWith('# FB-1: Upgrade compute and network without downtime\n')).toBe(true);
    expect(markdown).toContain('- **Stage:** CLOSED since');
    expect(markdown).toContain('## Waiting on\n\n- the submitter to confirm or dispute the closure');
    expect(markdown).toContain('> We run Newton and every upgrade takes the cloud down.');
    expect(markdown).toContain('- **TH-1** Rolling upgrades (USER_STORY): the core of the story');
    expect(markdown).toContain('### neutron (delivered)');
    expect(markdown).toContain('### nova (delivered)');
    expect(markdown).toContain('| neutron/rolling-upgrade | Rolling upgrades of the agents | NEW | UNKNOWN | Queens | direct link | Queens: DELIVERED |');
    expect(markdown).toContain('| nova/maintenance-mode | Put a compute host into maintenance |');
    expect(markdown).toContain('| Pike | TH-2 | Pike: DELIVERED (merged) |');
    expect(markdown).toContain('- **Completed in:** Queens');
    expect(markdown).toContain('| IN_DEVELOPMENT | 50d 0h | 1 |');
    expect(markdown).toContain('| CLOSED | 3d 12h | 1 |');
    expect(markdown).toContain('**DELIVERED** on');
    expect(markdown).toMatch(/- 2026-01-05 09:00 UTC · \*\*feedback\.submitted\*\* · FB-1 · Olga Operator · title: Upgrade compute/);
    expect(markdown).toContain('· **loop.triaged** · FB-1 · Pat Manager');
    expect(markdown).toContain('· **outcome.recorded** · nova/maintenance-mode@Pike · Pat Manager · result: DELIVERED');
    expect(markdown).toContain('· **loop.stage_changed** · FB-1 · Pat Manager · stage: RELEASED → CLOSED');
    expect(markdown).toContain('· **loop.closed** · FB-1 · Pat Manager · resolution: none → DELIVERED; “Pike and Queens deliver it”');

    const json: Trace & Record<string, unknown> = JSON.parse(loop.json);
    const expected = {
      key: loop.key,
      title: loop.feedback.title,
      body: loop.feedback.body,
      origin: loop.feedback.origin,
      organization: loop.feedback.organization,
      releaseInUse: loop.feedback.releaseInUse,
      sourceUrl: loop.feedback.sourceUrl,
      votes: loop.feedback.voteCount,
      submittedAt: loop.feedback.createdAt,
      submitter: loop.feedback.submitter,
      stage: loop.stage,
      stageEnteredAt: loop.stageEnteredAt,
      waitingOn: loop.waitingOn,
      themes: loop.themes.map((linked) => ({
        key: linked.theme.key,
        title: linked.theme.title,
        kind: linked.theme.kind,
        parents: linked.theme.ancestors,
        rationale: linked.rationale,
        linkedAt: linked.linkedAt,
      })),
      projects: loop.projects.map((share) => ({
        project: share.project,
        delivered: share.delivered,
        blueprints: share.blueprints.map((answer) => ({
          ...answer.blueprint,
          targetRelease: answer.blueprint.targetRelease?.name ?? null,
          direct: answer.direct,
          viaThemes: answer.viaThemes.map((theme) => theme.key),
          counts: answer.counts,
          delivered: answer.delivered,
          outcomes: answer.outcomes.map(({ release, ...outcome }) => ({ release: release.name, ...outcome })),
        })),
      })),
      stages: loop.stages,
      stageHistory: loop.stageHistory,
      completedIn: loop.completedIn?.name ?? null,
      closure: loop.closure,
      verification: loop.verification,
      timeline: loop.timeline.nodes,
    };
    const shared = Object.fromEntries(Object.keys(expected).map((field) => [field, json[field]]));
    expect(shared).toEqual(expected);
    expect(json.timeline).toHaveLength(loop.timeline.totalCount);
    expect(json.asOf).toBe(service.clock.now().toISOString());
    expect(json.projects.map((share) => share.project)).toEqual(['neutron', 'nova']);
    expect(json.completedIn).toBe('Queens');
  });

  it('reports a release: the loops it closed and those it moved, per theme', async () => {
    const data = await service.ok<{ queens: ReleaseReport; pike: ReleaseReport }>(
      pm,
      `{
        queens: release(name: "Queens") { report json: report(format: JSON) }
        pike: release(name: "Pike") { report json: report(format: JSON) }
      }`,
    );
    const queens: { release: unknown; counts: unknown; themes: ReportedTheme[] } = JSON.parse(data.queens.json);
    expect(queens.release).toMatchObject({ name: 'Queens' });
    expect(queens.counts).toEqual({ closed: 1, moved: 0 });
    expect(queens.themes).toEqual([
      {
        key: 'TH-1',
        title: 'Rolling upgrades',
        counts: { closed: 1, moved: 0 },
        closed: [
          {
            key: 'FB-1',
            title: 'Upgrade compute and network without downtime',
            stage: 'CLOSED',
            outcomes: [{ blueprint: 'neutron/rolling-upgrade', result: 'DELIVERED', notes: null }],
            targetedBy: [],
          },
        ],
        moved: [],
      },
    ]);
    expect(data.queens.report).toContain('## TH-1 Rolling upgrades: 1 closed, 0 moved\n\n### Closed');
    expect(data.queens.report).toContain('| FB-1 | Upgrade compute and network without downtime | CLOSED | neutron/rolling-upgrade DELIVERED |');

    const pike: { counts: unknown; themes: ReportedTheme[] } = JSON.parse(data.pike.json);
    expect(pike.counts).toEqual({ closed: 0, moved: 2 });
    expect(pike.themes.map((theme) => [theme.key, theme.title, theme.counts])).toEqual([
      ['TH-1', 'Rolling upgrades', { closed: 0, moved: 1 }],
      [null, 'No theme', { closed: 0, moved: 1 }],
    ]);
    expect(pike.themes[0].moved).toEqual([
      {
        key: 'FB-1',
        title: 'Upgrade compute and network without downtime',
        stage: 'CLOSED',
        outcomes: [{ blueprint: 'nova/maintenance-mode', result: 'DELIVERED', notes: 'merged' }],
        targetedBy: [],
      },
    ]);
    expect(pike.themes[1].moved).toEqual([
      { key: 'FB-2', title: 'Quota usage drifts from reality', stage: 'PLANNED', outcomes: [], targetedBy: ['nova/quota-sync'] },
    ]);
    expect(data.pike.report).toContain('## TH-1 Rolling upgrades: 0 closed, 1 moved\n\n### Moved');
    expect(data.pike.report).toContain('| FB-1 | Upgrade compute and network without downtime | CLOSED | nova/maintenance-mode DELIVERED (merged) |');
    expect(data.pike.report).toContain('## No theme: 0 closed, 1 moved');
    expect(data.pike.report).toContain('| FB-2 | Quota usage drifts from reality | PLANNED | nova/quota-sync targets it |');
  });

  it('lists the loops as CSV with their stage and days in stage', async () => {
    const data = await service.ok<{ all: string; closed: string }>(
      user.token,
      `{ all: loopsCsv closed: loopsCsv(filter: { stage: CLOSED }) }`,
    );
    const lines = data.all.split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1)).toHaveLength(4);
    expect(lines[4]).toBe('');
    const rows = lines.slice(1, 4).map((line) => line.split(','));
    // Newest first, as the loop list; the third loop's title holds a comma and quotes.
    expect(rows.map((row) => row[0])).toEqual(['FB-3', 'FB-2', 'FB-1']);
    const closed = rows[2];
    expect(closed.slice(0, 4)).toEqual(['FB-1', 'Upgrade compute and network without downtime', 'OPERATOR', 'CLOSED']);
    expect(closed[5]).toBe('3.5');
    // The user reads the operator's request: the submitter's email is not theirs to see.
    expect(closed.slice(6, 10)).toEqual(['1', '"neutron;nova"', 'TH-1', '']);
    expect(new Date(closed[4]).getTime()).toBe(service.clock.now().getTime() - 3.5 * DAY);
    expect(rows[1]).toEqual(['FB-2', 'Quota usage drifts from reality', 'USER', 'PLANNED', expect.any(String), '63.5', '0', 'nova', '', user.email, expect.any(String)]);
    expect(lines[1]).toMatch(new RegExp(`^FB-3,"Say ""why"", with commas",USER,REQUESTED,[^,]+,53\\.5,0,,,${user.email.replace(/\./g, '\\.')},[^,]+$`));
    expect(data.closed.split('\r\n').filter(Boolean)).toEqual([HEADER, lines[3]]);

    const refused = await service.gql(user.token, `{ loopsCsv(filter: { themeKey: "theme one" }) }`);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('prints the same text from the command line as the GraphQL fields give', async () => {
    clockSpy = jest.spyOn(Clock.prototype, 'now').mockImplementation(() => service.clock.now());
    const data = await service.ok<{ loop: { markdown: string; json: string }; release: ReleaseReport; loopsCsv: string; closed: string }>(
      pm,
      `{
        loop(key: "FB-1") { markdown json }
        release(name: "Queens") { report json: report(format: JSON) }
        loopsCsv
        closed: loopsCsv(filter: { stage: CLOSED, origin: OPERATOR, project: "nova", themeKey: "TH-1", release: "Queens" })
      }`,
    );
    expect(await cli(['export', 'loop', 'FB-1'])).toEqual({ code: 0, text: data.loop.markdown });
    expect(await cli(['export', 'loop', 'fb-1', '--format', 'json'])).toEqual({ code: 0, text: data.loop.json });
    expect(await cli(['export', 'release', 'Queens', '--format', 'markdown'])).toEqual({ code: 0, text: data.release.report });
    expect(await cli(['export', 'release', 'queens', '--format', 'JSON'])).toEqual({ code: 0, text: data.release.json });
    expect(await cli(['export', 'loops', '--format', 'csv'])).toEqual({ code: 0, text: data.loopsCsv });
    const filtered = ['export', 'loops', '--stage', 'closed', '--origin', 'operator', '--project', 'nova', '--theme', 'TH-1', '--release', 'Queens'];
    expect(await cli(filtered)).toEqual({ code: 0, text: data.closed });
    expect(data.closed.split('\r\n').filter(Boolean)).toHaveLength(2);

    const directory = mkdtempSync(join(tmpdir(), 'looptrace-export-'));
    try {
      const file = join(directory, 'FB-1.md');
      expect(await cli(['export', 'loop', 'FB-1', '--out', file])).toEqual({ code: 0, text: `Wrote ${file}\n` });
      expect(readFileSync(file, 'utf8')).toBe(data.loop.markdown);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('explains what is wrong with an export command line', async () => {
    await expect(cli(['export'])).rejects.toThrow(UsageError);
    await expect(cli(['export', 'loop'])).rejects.toThrow(UsageError);
    await expect(cli(['export', 'loop', 'FB-1', '--format', 'pdf'])).rejects.toThrow(/--format markdown or json/);
    await expect(cli(['export', 'loops', '--format', 'json'])).rejects.toThrow(/CSV only/);
    await expect(cli(['export', 'loops', '--stage', 'done'])).rejects.toThrow(/--stage must be one of the following values: REQUESTED/);
    await expect(cli(['export', 'loops', '--project', 'nova compute'])).rejects.toThrow(/--project must be a project name/);
    await expect(cli(['export', 'loops', '--colour', 'red'])).rejects.toThrow(UsageError);
    await expect(cli(['export', 'loops', '--theme', 'theme one'])).rejects.toThrow(/--theme must be a theme key such as TH-7/);
    await expect(cli(['export', 'loop', 'FB-99'])).rejects.toThrow(/No feedback "FB-99"/);
    await expect(cli(['export', 'release', 'Nowhere'])).rejects.toThrow(/No release "Nowhere"/);
  });
});

/** The loops table reads its loops' facts in bulk: its statements do not grow with the number of loops. */
describe('statements of the loops table', () => {
  let service: TestService;
  let pm: string;

  beforeAll(async () => {
    // The statements are counted process-wide, so the webhook worker's polling must not run alongside.
    service = await startService({ webhooks: { ...loadConfig({}).webhooks, pollMs: 0 } });
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
    const lead = (await service.actor('TECH_LEAD', 'Tom')).token;
    const submitters = { USER: (await service.actor('USER', 'Uma')).token, OPERATOR: (await service.actor('OPERATOR', 'Olga')).token };
    const { api } = service;
    await api.createTheme(pm, { title: 'Scale', kind: 'USER_STORY' });
    await api.createTheme(pm, { title: 'Cells', kind: 'GAP', parentKey: 'TH-1' });
    await api.createBlueprint(lead, { project: 'nova', name: 'cells', title: 'Cells v2', targetRelease: 'Pike' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'cells', themeKey: 'TH-2' });
    const loops: Array<'USER' | 'OPERATOR'> = [...Array(5).fill('USER'), ...Array(50).fill('OPERATOR')];
    for (const [index, origin] of loops.entries()) {
      await api.submitFeedback(submitters[origin], { title: `Request number ${index + 1}`, origin, projects: ['nova'] });
      await api.linkFeedbackToTheme(pm, { feedbackKey: `FB-${index + 1}`, themeKey: 'TH-1' });
    }
  });

  afterAll(() => service.close());

  async function statementsFor(origin: string): Promise<{ statements: number; rows: number }> {
    const logger = service.app.get(SqlLogger);
    const before = logger.statements;
    const data = await service.ok<{ loopsCsv: string }>(pm, `query($o: FeedbackOrigin!) { loopsCsv(filter: { origin: $o }) }`, { o: origin });
    return { statements: logger.statements - before, rows: data.loopsCsv.split('\r\n').filter(Boolean).length - 1 };
  }

  it('runs as many statements for 50 loops as for 5', async () => {
    await statementsFor('USER');
    const small = await statementsFor('USER');
    const large = await statementsFor('OPERATOR');
    expect(small.rows).toBe(5);
    expect(large.rows).toBe(50);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThan(20);
  });
});
