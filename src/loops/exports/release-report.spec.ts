import { LoopStage } from '../../feedback/feedback.enums';
import { ReleaseState } from '../../releases/release.enums';
import { OutcomeResult } from '../../outcomes/outcome.enums';
import { ReleaseReport, releaseReportJson, releaseReportMarkdown, ReportLoop } from './release-report';

const closedLoop: ReportLoop = {
  key: 'FB-1',
  title: 'Upgrade without downtime',
  stage: LoopStage.CLOSED,
  outcomes: [{ blueprint: 'neutron/rolling-upgrade', result: OutcomeResult.DELIVERED, notes: 'agents | server' }],
  targetedBy: [],
};

const movedLoop: ReportLoop = {
  key: 'FB-4',
  title: 'Faster boot',
  stage: LoopStage.IN_DEVELOPMENT,
  outcomes: [{ blueprint: 'nova/fast-boot', result: OutcomeResult.PARTIAL, notes: null }],
  targetedBy: ['glance/cache'],
};

const plannedLoop: ReportLoop = { key: 'FB-9', title: 'Quotas', stage: LoopStage.PLANNED, outcomes: [], targetedBy: ['nova/quotas'] };

const report: ReleaseReport = {
  release: { name: 'Queens', state: ReleaseState.RELEASED, startsOn: '2017-08-28', releasedOn: '2018-02-28' },
  counts: { closed: 1, moved: 2 },
  themes: [
    { key: 'TH-1', title: 'Rolling upgrades', counts: { closed: 1, moved: 1 }, closed: [closedLoop], moved: [movedLoop] },
    { key: 'TH-3', title: 'Performance', counts: { closed: 0, moved: 1 }, closed: [], moved: [movedLoop] },
    { key: null, title: 'No theme', counts: { closed: 0, moved: 1 }, closed: [], moved: [plannedLoop] },
  ],
};

describe('release report as Markdown', () => {
  const markdown = releaseReportMarkdown(report);

  it('names the release, its state and dates, and the counts of distinct loops', () => {
    expect(markdown.startsWith('# Release report: Queens\n')).toBe(true);
    expect(markdown).toContain('- **State:** RELEASED, started 2017-08-28, released 2018-02-28');
    expect(markdown).toContain('- **Closed** (completed by this release): 1 loop\n');
    expect(markdown).toContain('- **Moved** (work answering them has an outcome in this release or targets it): 2 loops\n');
  });

  it('has a section per theme with its counts, closed loops before moved ones, and loops without a theme last', () => {
    const rolling = markdown.indexOf('## TH-1 Rolling upgrades: 1 closed, 1 moved');
    const performance = markdown.indexOf('## TH-3 Performance: 0 closed, 1 moved');
    const none = markdown.indexOf('## No theme: 0 closed, 1 moved');
    expect(rolling).toBeGreaterThan(-1);
    expect(rolling).toBeLessThan(performance);
    expect(performance).toBeLessThan(none);
    expect(markdown.indexOf('### Closed', rolling)).toBeLessThan(markdown.indexOf('### Moved', rolling));
  });

  it('lists each loop with its stage and what the release did for it', () => {
    expect(markdown).toContain('| Loop | Title | Stage | In Queens |');
    expect(markdown).toContain('| FB-1 | Upgrade without downtime | CLOSED | neutron/rolling-upgrade DELIVERED (agents \\| server) |');
    expect(markdown).toContain('| FB-4 | Faster boot | IN_DEVELOPMENT | nova/fast-boot PARTIAL; glance/cache targets it |');
    expect(markdown).toContain('| FB-9 | Quotas | PLANNED | nova/quotas targets it |');
    expect(markdown.match(/\| FB-4 \|/g)).toHaveLength(2);
  });

  it('escapes the HTML and the links people typed in titles and notes', () => {
    const hostileLoop: ReportLoop = {
      ...closedLoop,
      title: '\\<img src=x onerror=alert(1)>',
      outcomes: [{ blueprint: 'neutron/rolling-upgrade', result: OutcomeResult.DELIVERED, notes: '[notes](javascript:alert(2)) | <b>' }],
    };
    const hostile = releaseReportMarkdown({
      ...report,
      themes: [{ key: 'TH-1', title: '![x](data:image/svg+xml;base64,PHN2Zz4=)', counts: { closed: 1, moved: 0 }, closed: [hostileLoop], moved: [] }],
    });
    expect(hostile).toContain('## TH-1 !\\[x\\](data:image/svg+xml;base64,PHN2Zz4=): 1 closed, 0 moved');
    expect(hostile).toContain(
      '| FB-1 | \\\\\\<img src=x onerror=alert(1)\\> | CLOSED | neutron/rolling-upgrade DELIVERED (\\[notes\\](javascript:alert(2)) \\| \\<b\\>) |',
    );
  });

  it('says so when the release touched no loop', () => {
    const empty = releaseReportMarkdown({ ...report, release: { ...report.release, startsOn: null, releasedOn: null, state: ReleaseState.PLANNED }, counts: { closed: 0, moved: 0 }, themes: [] });
    expect(empty).toContain('- **State:** PLANNED\n');
    expect(empty).toContain('(completed by this release): 0 loops\n');
    expect(empty).toContain('No loop was moved or closed by this release.');
  });
});

describe('release report as JSON', () => {
  it('is the report itself, indented, ending with a newline', () => {
    const text = releaseReportJson(report);
    expect(JSON.parse(text)).toEqual(report);
    expect(text).toContain('\n  "release": {\n    "name": "Queens",');
    expect(text.endsWith('}\n')).toBe(true);
  });
});
