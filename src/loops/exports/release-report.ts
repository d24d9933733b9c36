import { LoopStage } from '../../feedback/feedback.enums';
import { ReleaseState } from '../../releases/release.enums';
import { OutcomeResult } from '../../outcomes/outcome.enums';
import { cell, inline, plural, table } from './markdown';

/** What one release did for the loops: those it closed and those it moved on, per theme. */
export interface ReleaseReport {
  release: { name: string; state: ReleaseState; startsOn: string | null; releasedOn: string | null };
  /** Distinct loops: one under several themes counts once. */
  counts: ReportCounts;
  /** In theme key order, loops with no theme last. */
  themes: ReportTheme[];
}

export interface ReportCounts {
  closed: number;
  moved: number;
}

export interface ReportTheme {
  /** Null for the loops linked to no theme. */
  key: string | null;
  title: string;
  counts: ReportCounts;
  /** Completed by this release: every blueprint answering them delivered, the last one here. */
  closed: ReportLoop[];
  /** Moved on by it without being completed: a blueprint answering them has an outcome in it, or targets it. */
  moved: ReportLoop[];
}

export interface ReportLoop {
  key: string;
  title: string;
  stage: LoopStage;
  /** What this release did for the blueprints answering it. */
  outcomes: ReportOutcome[];
  /** Blueprints answering it that target this release and have no outcome in it yet. */
  targetedBy: string[];
}

export interface ReportOutcome {
  blueprint: string;
  result: OutcomeResult;
  notes: string | null;
}

export function releaseReportJson(report: ReleaseReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function releaseReportMarkdown(report: ReleaseReport): string {
  const { release, counts } = report;
  const dates = [release.startsOn && `started ${release.startsOn}`, release.releasedOn && `released ${release.releasedOn}`].filter(Boolean);
  const sections = [
    `# Release report: ${inline(release.name)}`,
    [
      `- **State:** ${[release.state, ...dates].join(', ')}`,
      `- **Closed** (completed by this release): ${plural(counts.closed, 'loop')}`,
      `- **Moved** (work answering them has an outcome in this release or targets it): ${plural(counts.moved, 'loop')}`,
    ].join('\n'),
    ...(report.themes.length ? report.themes.map((theme) => themeSection(theme, release.name)) : ['No loop was moved or closed by this release.']),
  ];
  return `${sections.join('\n\n')}\n`;
}

function themeSection(theme: ReportTheme, release: string): string {
  const heading = `## ${theme.key ? `${theme.key} ${inline(theme.title)}` : theme.title}: ${theme.counts.closed} closed, ${theme.counts.moved} moved`;
  const parts = [heading];
  if (theme.closed.length) parts.push(`### Closed\n\n${loopTable(theme.closed, release)}`);
  if (theme.moved.length) parts.push(`### Moved\n\n${loopTable(theme.moved, release)}`);
  return parts.join('\n\n');
}

function loopTable(loops: ReportLoop[], release: string): string {
  return table(
    ['Loop', 'Title', 'Stage', `In ${cell(release)}`],
    loops.map((loop) => {
      const done = loop.outcomes.map((outcome) => `${outcome.blueprint} ${outcome.result}${outcome.notes ? ` (${cell(outcome.notes)})` : ''}`);
      const planned = loop.targetedBy.map((blueprint) => `${blueprint} targets it`);
      return [loop.key, cell(loop.title), loop.stage, [...done, ...planned].join('; ') || '—'];
    }),
  );
}
