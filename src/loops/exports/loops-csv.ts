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

/** A cell that starts with one of these is run as a formula by spreadsheets (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Where spreadsheets split a line into cells: the comma, and the semicolon of many locales. */
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * One field, as RFC 4180 writes it: quoted, its quotes doubled, when it holds
 * a separator, a quote or a line break. A field that a spreadsheet would run
 * as a formula gets a single quote in front, which makes it text, and is
 * quoted too, as OWASP advises.
 */
export function csvField(value: string): string {
  const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
  if (FORMULA_START.test(value)) return quoted(`'${value}`);
  return NEEDS_QUOTES.test(value) ? quoted(value) : value;
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
