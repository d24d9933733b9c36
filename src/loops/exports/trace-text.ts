import { Trace, TraceBlueprint, TraceEvent, TracePerson, TraceTheme } from '../trace';
import { cell, duration, inline, link, quote, table, when } from './markdown';

/** Long values of an event (a whole title, a list) are cut in the document; the JSON keeps them whole. */
const VALUE_LENGTH = 100;

/** The trace as stable, indented JSON: the same data always gives the same text. */
export function traceJson(trace: Trace): string {
  return `${JSON.stringify(trace, null, 2)}\n`;
}

/** The trace as a Markdown document for people: the request, where it stands, who answers it, and its history. */
export function traceMarkdown(trace: Trace): string {
  const sections = [
    `# ${trace.key}: ${inline(trace.title)}`,
    facts(trace),
    `## Request\n\n${trace.body.trim() ? quote(trace.body) : '_No description._'}`,
    `## Waiting on\n\n${trace.waitingOn.length ? trace.waitingOn.map((what) => `- ${inline(what)}`).join('\n') : 'Nothing.'}`,
    `## Themes\n\n${trace.themes.length ? trace.themes.map(theme).join('\n') : 'Not linked to any theme.'}`,
    `## Blueprints\n\n${trace.projects.length ? trace.projects.map(project).join('\n\n') : 'No blueprint answers it yet.'}`,
    `## Time in stage\n\n${table(
      ['Stage', 'Time', 'Stays'],
      trace.stages.map((stage) => [stage.stage, duration(stage.seconds), String(stage.stays)]),
    )}\n\nAs of ${when(trace.asOf)}.`,
    ...(trace.closure ? [closure(trace)] : []),
    `## Timeline\n\n${trace.timeline.length ? trace.timeline.map(event).join('\n') : 'Nothing recorded.'}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

const person = (who: TracePerson | null) => (who ? (who.email ? `${inline(who.name)} (${inline(who.email)})` : inline(who.name)) : 'unknown');

function facts(trace: Trace): string {
  const lines = [
    `- **Stage:** ${trace.stage} since ${when(trace.stageEnteredAt)}`,
    `- **Origin:** ${trace.origin}${trace.organization ? `, ${inline(trace.organization)}` : ''}`,
    `- **Submitted:** ${when(trace.submittedAt)} by ${person(trace.submitter)}`,
    `- **Votes:** ${trace.votes}`,
  ];
  if (trace.releaseInUse) lines.push(`- **Runs:** ${inline(trace.releaseInUse)}`);
  if (trace.sourceUrl) lines.push(`- **Source:** ${link(trace.sourceUrl)}`);
  if (trace.completedIn) lines.push(`- **Completed in:** ${trace.completedIn}`);
  if (trace.duplicateOf) lines.push(`- **Duplicate of:** ${trace.duplicateOf}`);
  return lines.join('\n');
}

function theme(linked: TraceTheme): string {
  const under = linked.parents.length ? `, under ${linked.parents.map((parent) => `${parent.key} ${inline(parent.title)} (${parent.kind})`).join(', ')}` : '';
  const why = linked.rationale ? `: ${inline(linked.rationale)}` : '';
  return `- **${linked.key}** ${inline(linked.title)} (${linked.kind})${under}${why}`;
}

function project(share: Trace['projects'][number]): string {
  const heading = `### ${share.project} (${share.delivered ? 'delivered' : 'not delivered yet'})`;
  return `${heading}\n\n${table(
    ['Blueprint', 'Title', 'Definition', 'Implementation', 'Target', 'Answers through', 'Outcomes'],
    share.blueprints.map(blueprintRow),
  )}`;
}

function blueprintRow(blueprint: TraceBlueprint): string[] {
  const through = [...(blueprint.direct ? ['direct link'] : []), ...blueprint.viaThemes].join(', ');
  const outcomes = blueprint.outcomes.map(
    (outcome) =>
      `${outcome.release}: ${outcome.result}${outcome.notes ? ` (${cell(outcome.notes)})` : ''}${outcome.releaseNoteUrl ? ` ${link(outcome.releaseNoteUrl)}` : ''}`,
  );
  return [
    blueprint.key,
    cell(blueprint.title),
    blueprint.counts ? blueprint.definitionStatus : `${blueprint.definitionStatus} (no longer counts)`,
    blueprint.implementationStatus,
    blueprint.targetRelease ?? '—',
    through,
    outcomes.length ? outcomes.join('; ') : '—',
  ];
}

function closure(trace: Trace): string {
  const closed = trace.closure!;
  const lines = [`**${closed.resolution}** on ${when(closed.closedAt)} by ${person(closed.closedBy)}${closed.note ? `: ${inline(closed.note)}` : ''}`];
  const verified = trace.verification;
  if (verified) lines.push(`The submitter answered **${verified.verdict}** on ${when(verified.verifiedAt)}${verified.note ? `: ${inline(verified.note)}` : ''}`);
  return `## Closure\n\n${lines.join('\n\n')}`;
}

function value(raw: unknown): string {
  const text = raw === null || raw === undefined ? 'none' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return inline(text.length > VALUE_LENGTH ? `${text.slice(0, VALUE_LENGTH - 1)}…` : text);
}

/** What changed, field by field: `stage: TRIAGED → THEMED`, or the value it was set to. */
function changes(entry: TraceEvent): string[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.map((field) => (field in before ? `${field}: ${value(before[field])} → ${value(after[field])}` : `${field}: ${value(after[field])}`));
}

function event(entry: TraceEvent): string {
  const said = ['note', 'rationale'].map((field) => entry.data?.[field]).filter((text): text is string => typeof text === 'string' && text !== '');
  const details = [...changes(entry), ...said.map((text) => `“${value(text)}”`)];
  const by = entry.actor ? inline(entry.actor.name) : 'the service';
  return `- ${when(entry.occurredAt)} · **${entry.type}** · ${inline(entry.recordKey)} · ${by}${details.length ? ` · ${details.join('; ')}` : ''}`;
}
