import { FeedbackOrigin, LoopStage } from '../../feedback/feedback.enums';

/** One loop as a line of the loops table. */
export interface LoopRow {
  key: string;
  title: string;
  origin: FeedbackOrigin;
  stage: LoopStage;
  /** ISO 8601. */
  stageEnteredAt: string;
  daysInStage: number;
  votes: number;
  /** The projects it names and those of the blueprints answering it. */
  projects: string[];
  /** Keys of the themes it is linked to. */
  themes: string[];
  /** The submitter's email address. */
  submitter: string | null;
  /** ISO 8601. */
  lastEventAt: string;
}

export const LOOPS_CSV_HEADER = ['key', 'title', 'origin', 'stage', 'stage_entered_at', 'days_in_stage', 'votes', 'projects', 'themes', 'submitter', 'last_event_at'];

/** Separates the names inside one field; no project name or theme key contains it. */
const LIST_SEPARATOR = ';';

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The loops table as RFC 4180 CSV: a header line, then one line per loop, each ended by CRLF. */
export function loopsCsv(rows: LoopRow[]): string {
  const lines = [
    LOOPS_CSV_HEADER,
    ...rows.map((row) => [
      row.key,
      row.title,
      row.origin,
      row.stage,
      row.stageEnteredAt,
      row.daysInStage.toFixed(1),
      String(row.votes),
      row.projects.join(LIST_SEPARATOR),
      row.themes.join(LIST_SEPARATOR),
      row.submitter ?? '',
      row.lastEventAt,
    ]),
  ];
  return lines.map((fields) => `${fields.map(csvField).join(',')}\r\n`).join('');
}
