import { BlueprintPriority, DefinitionStatus, ImplementationStatus } from '../../blueprints/blueprint.enums';
import { FeedbackOrigin, LoopStage, Resolution, Verdict } from '../../feedback/feedback.enums';
import { OutcomeResult } from '../../outcomes/outcome.enums';
import { ThemeKind } from '../../themes/theme.enums';
import { Trace, TraceBlueprint } from '../trace';
import { traceJson, traceMarkdown } from './trace-text';
import { EventType } from '../../history/event-catalogue';

const pat = { name: 'Pat Manager', email: 'pat@example.org' };
const olga = { name: 'Olga Operator', email: 'olga@example.org' };

const blueprint = (overrides: Partial<TraceBlueprint>): TraceBlueprint => ({
  key: 'nova/maintenance-mode',
  project: 'nova',
  name: 'maintenance-mode',
  title: 'Put a compute host into maintenance',
  definitionStatus: DefinitionStatus.APPROVED,
  implementationStatus: ImplementationStatus.IMPLEMENTED,
  priority: BlueprintPriority.HIGH,
  targetRelease: 'Pike',
  direct: false,
  viaThemes: ['TH-2'],
  counts: true,
  delivered: true,
  outcomes: [{ release: 'Pike', result: OutcomeResult.DELIVERED, notes: 'merged', releaseNoteUrl: null, recordedAt: '2026-02-19T09:00:00.000Z' }],
  ...overrides,
});

const trace = (overrides: Partial<Trace> = {}): Trace => ({
  key: 'FB-1',
  title: 'Upgrade compute and network without downtime',
  body: 'We run Newton and every upgrade takes the cloud down.\nTwice a year.',
  origin: FeedbackOrigin.OPERATOR,
  submitter: olga,
  organization: 'Example Cloud',
  releaseInUse: 'Newton',
  sourceUrl: null,
  votes: 4,
  submittedAt: '2026-01-05T09:00:00.000Z',
  stage: LoopStage.CLOSED,
  stageEnteredAt: '2026-03-11T09:00:00.000Z',
  waitingOn: ['the submitter to confirm or dispute the closure'],
  themes: [
    {
      key: 'TH-2',
      title: 'Compute maintenance mode',
      kind: ThemeKind.GAP,
      parents: [{ key: 'TH-1', title: 'Rolling upgrades', kind: ThemeKind.USER_STORY }],
      rationale: 'the heart of it',
      linkedAt: '2026-01-07T09:00:00.000Z',
    },
  ],
  projects: [
    {
      project: 'neutron',
      delivered: true,
      blueprints: [
        blueprint({
          key: 'neutron/rolling-upgrade',
          project: 'neutron',
          name: 'rolling-upgrade',
          title: 'Rolling upgrades | agents',
          targetRelease: 'Queens',
          direct: true,
          viaThemes: [],
          outcomes: [
            { release: 'Queens', result: OutcomeResult.DELIVERED, notes: null, releaseNoteUrl: null, recordedAt: '2026-03-11T09:00:00.000Z' },
          ],
        }),
      ],
    },
    { project: 'nova', delivered: true, blueprints: [blueprint({})] },
  ],
  stages: [
    { stage: LoopStage.REQUESTED, seconds: 2 * 86_400, stays: 1 },
    { stage: LoopStage.IN_DEVELOPMENT, seconds: 50 * 86_400, stays: 1 },
    { stage: LoopStage.CLOSED, seconds: 3600, stays: 1 },
  ],
  stageHistory: [],
  completedIn: 'Queens',
  closure: { resolution: Resolution.DELIVERED, note: 'Pike and Queens deliver it', closedAt: '2026-03-11T09:00:00.000Z', closedBy: pat },
  verification: null,
  duplicateOf: null,
  timeline: [
    {
      type: EventType.FEEDBACK_SUBMITTED,
      occurredAt: '2026-01-05T09:00:00.000Z',
      actor: olga,
      recordType: 'feedback',
      recordKey: 'FB-1',
      before: null,
      after: { title: 'Upgrade compute and network without downtime', projects: ['nova', 'neutron'] },
      data: null,
    },
    {
      type: EventType.LOOP_STAGE_CHANGED,
      occurredAt: '2026-01-07T09:00:00.000Z',
      actor: pat,
      recordType: 'feedback',
      recordKey: 'FB-1',
      before: { stage: 'TRIAGED' },
      after: { stage: 'THEMED' },
      data: { cause: { id: 4, type: EventType.LINK_CREATED } },
    },
    {
      type: EventType.LOOP_CLOSED,
      occurredAt: '2026-03-11T09:00:00.000Z',
      actor: null,
      recordType: 'feedback',
      recordKey: 'FB-1',
      before: { resolution: null },
      after: { resolution: 'DELIVERED' },
      data: { note: 'Pike and Queens deliver it' },
    },
  ],
  asOf: '2026-03-11T10:00:00.000Z',
  ...overrides,
});

describe('trace as Markdown', () => {
  const markdown = traceMarkdown(trace());

  it('opens with the key and title, then where the loop stands', () => {
    expect(markdown.startsWith('# FB-1: Upgrade compute and network without downtime\n')).toBe(true);
    expect(markdown).toContain('- **Stage:** CLOSED since 2026-03-11 09:00 UTC');
    expect(markdown).toContain('- **Submitted:** 2026-01-05 09:00 UTC by Olga Operator (olga@example.org)');
    expect(markdown).toContain('- **Completed in:** Queens');
    expect(markdown).toContain('## Waiting on\n\n- the submitter to confirm or dispute the closure');
  });

  it('quotes the request', () => {
    expect(markdown).toContain('## Request\n\n> We run Newton and every upgrade takes the cloud down.\n> Twice a year.');
  });

  it('lists the themes with their parents and the rationale', () => {
    expect(markdown).toContain('- **TH-2** Compute maintenance mode (GAP), under TH-1 Rolling upgrades (USER_STORY): the heart of it');
  });

  it('tabulates the blueprints per project with how they answer and their outcomes', () => {
    expect(markdown).toContain('### neutron (delivered)');
    expect(markdown).toContain('| neutron/rolling-upgrade | Rolling upgrades \\| agents | APPROVED | IMPLEMENTED | Queens | direct link | Queens: DELIVERED |');
    expect(markdown).toContain('| nova/maintenance-mode | Put a compute host into maintenance | APPROVED | IMPLEMENTED | Pike | TH-2 | Pike: DELIVERED (merged) |');
    expect(markdown.indexOf('### neutron')).toBeLessThan(markdown.indexOf('### nova'));
  });

  it('marks blueprints that no longer count', () => {
    const retired = trace({
      projects: [{ project: 'nova', delivered: false, blueprints: [blueprint({ definitionStatus: DefinitionStatus.OBSOLETE, counts: false, delivered: false, outcomes: [] })] }],
    });
    expect(traceMarkdown(retired)).toContain('| OBSOLETE (no longer counts) | IMPLEMENTED | Pike | TH-2 | — |');
  });

  it('tells the time in each stage as of when it was read', () => {
    expect(markdown).toContain('| IN_DEVELOPMENT | 50d 0h | 1 |');
    expect(markdown).toContain('| CLOSED | 1h 0m | 1 |');
    expect(markdown).toContain('As of 2026-03-11 10:00 UTC.');
  });

  it('states the closure and, once given, the verdict', () => {
    expect(markdown).toContain('**DELIVERED** on 2026-03-11 09:00 UTC by Pat Manager (pat@example.org): Pike and Queens deliver it');
    const verified = traceMarkdown(trace({ verification: { verdict: Verdict.CONFIRMED, note: null, verifiedAt: '2026-03-12T09:00:00.000Z' } }));
    expect(verified).toContain('The submitter answered **CONFIRMED** on 2026-03-12 09:00 UTC');
  });

  it('lists the timeline with what changed, who did it and what they said', () => {
    expect(markdown).toContain(
      '- 2026-01-05 09:00 UTC · **feedback.submitted** · FB-1 · Olga Operator · title: Upgrade compute and network without downtime; projects: \\["nova","neutron"\\]',
    );
    expect(markdown).toContain('- 2026-01-07 09:00 UTC · **loop.stage_changed** · FB-1 · Pat Manager · stage: TRIAGED → THEMED');
    expect(markdown).toContain('- 2026-03-11 09:00 UTC · **loop.closed** · FB-1 · the service · resolution: none → DELIVERED; “Pike and Queens deliver it”');
  });

  it('says so when a part is empty', () => {
    const fresh = traceMarkdown(
      trace({ stage: LoopStage.REQUESTED, themes: [], projects: [], closure: null, completedIn: null, body: '', waitingOn: [], timeline: [] }),
    );
    expect(fresh).toContain('_No description._');
    expect(fresh).toContain('## Waiting on\n\nNothing.');
    expect(fresh).toContain('Not linked to any theme.');
    expect(fresh).toContain('No blueprint answers it yet.');
    expect(fresh).not.toContain('## Closure');
    expect(fresh).not.toContain('Completed in');
  });

  it('keeps typed text from breaking the document', () => {
    const hostile = traceMarkdown(trace({ title: 'Two\nlines <b>bold</b>' }));
    expect(hostile.split('\n')[0]).toBe('# FB-1: Two lines \\<b\\>bold\\</b\\>');
  });

  it('escapes the HTML and the links people typed in titles, bodies, rationales and notes', () => {
    const [linked] = trace().themes;
    const hostile = traceMarkdown(
      trace({
        title: '\\<img src=x onerror=alert(1)>',
        body: '[click](javascript:alert(1))\n![x](data:text/html;base64,PHNjcmlwdD4=)',
        themes: [{ ...linked, rationale: '<javascript:alert(2)>' }],
        closure: { resolution: Resolution.DELIVERED, note: '[see](vbscript:msgbox(3))', closedAt: '2026-03-11T09:00:00.000Z', closedBy: pat },
      }),
    );
    expect(hostile.split('\n')[0]).toBe('# FB-1: \\\\\\<img src=x onerror=alert(1)\\>');
    expect(hostile).toContain('## Request\n\n> \\[click\\](javascript:alert(1))\n> !\\[x\\](data:text/html;base64,PHNjcmlwdD4=)');
    expect(hostile).toContain('(GAP), under TH-1 Rolling upgrades (USER_STORY): \\<javascript:alert(2)\\>');
    expect(hostile).toContain('by Pat Manager (pat@example.org): \\[see\\](vbscript:msgbox(3))');
  });

  it('links the source and the release notes when they are web addresses, and writes any other address as text', () => {
    const outcome = { release: 'Pike', result: OutcomeResult.DELIVERED, notes: 'merged', recordedAt: '2026-02-19T09:00:00.000Z' };
    const linked = traceMarkdown(
      trace({
        sourceUrl: 'https://etherpad.openstack.org/p/ops-meetup',
        projects: [{ project: 'nova', delivered: true, blueprints: [blueprint({ outcomes: [{ ...outcome, releaseNoteUrl: 'https://docs.openstack.org/releasenotes/nova/pike.html' }] })] }],
      }),
    );
    expect(linked).toContain('- **Source:** <https://etherpad.openstack.org/p/ops-meetup>\n');
    expect(linked).toContain('| TH-2 | Pike: DELIVERED (merged) <https://docs.openstack.org/releasenotes/nova/pike.html> |');

    const unlinked = traceMarkdown(
      trace({
        sourceUrl: 'javascript:alert(1)',
        projects: [{ project: 'nova', delivered: true, blueprints: [blueprint({ outcomes: [{ ...outcome, releaseNoteUrl: 'data:text/html,<b>x</b>' }] })] }],
      }),
    );
    expect(unlinked).toContain('- **Source:** javascript:alert(1)\n');
    expect(unlinked).toContain('| TH-2 | Pike: DELIVERED (merged) data:text/html,\\<b\\>x\\</b\\> |');
  });
});

describe('trace as JSON', () => {
  it('is the trace itself, indented, ending with a newline', () => {
    const text = traceJson(trace());
    expect(JSON.parse(text)).toEqual(trace());
    expect(text).toContain('\n  "key": "FB-1",\n');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('gives the same text for the same trace, absent values as null', () => {
    expect(traceJson(trace())).toBe(traceJson(trace()));
    expect(JSON.parse(traceJson(trace()))).toMatchObject({ sourceUrl: null, verification: null, duplicateOf: null });
  });
});
