import { createHash } from 'node:crypto';
import { FeedbackOrigin } from '../../feedback/feedback.enums';
import { isName, nameList } from '../feedback-fields';
import { FeedbackRecord, Importer, ImportFile, ParsedFile, Skip, UnreadableFileError } from '../importer';
import { readTextFile } from '../text-file';

/** The columns a feedback CSV may have, in the order the documentation lists them. */
export const CSV_COLUMNS = [
  { name: 'title', required: true, about: 'a short statement of the request, 3 to 200 characters' },
  { name: 'body', required: false, about: 'the whole story' },
  { name: 'origin', required: false, about: 'USER or OPERATOR; USER when empty' },
  { name: 'organization', required: false, about: "the requester's organization" },
  { name: 'release_in_use', required: false, about: 'the release the requester runs, such as Newton' },
  { name: 'projects', required: false, about: 'affected projects, separated by ; , or spaces' },
  { name: 'tags', required: false, about: 'tags, separated by ; , or spaces' },
  { name: 'source_url', required: false, about: 'where the request was first written down, an http(s) URL' },
  { name: 'source_line', required: false, about: 'the line of source_url' },
  { name: 'votes', required: false, about: 'how many +1s it had there, a whole number' },
  { name: 'id', required: false, about: 'a stable identifier of the row, so that it can change and still update the same item' },
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number]['name'];

const COLUMN_NAMES: ReadonlySet<string> = new Set(CSV_COLUMNS.map((column) => column.name));

/** More +1s than any real source gathers: a larger number is a slip of the keyboard. */
const MAX_VOTES = 1_000_000;

const ID_MAX = 200;

/** Etherpads and documents run to thousands of lines, never to a billion. */
const SOURCE_LINE_MAX = 999_999_999;

/** One record of a CSV file, and the physical line it starts on (a quoted cell may span lines). */
export interface CsvRow {
  line: number;
  cells: string[];
}

export interface CsvTable {
  rows: CsvRow[];
  /** The line of a row whose quoted cell is never closed: it runs to the end of the file. */
  unclosedAt: number | null;
}

/**
 * Reads CSV as RFC 4180 writes it (quoted cells, doubled quotes, commas and
 * line breaks inside quotes, CRLF or LF), and forgives what spreadsheets and
 * people also write: spaces before an opening quote, text after a closing
 * quote, a quote inside an unquoted cell, a lone CR. Line breaks inside a
 * cell become LF, so the same content reads the same from any platform.
 */
export function readCsv(text: string): CsvTable {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    afterQuote = false;
  };
  const endRow = () => {
    endCell();
    rows.push({ line: rowLine, cells });
    cells = [];
  };
  /** Text between the characters that matter; after a closing quote, spaces and tabs are dropped. */
  const plain = (run: string) => {
    cell += afterQuote ? run.replace(/[ \t]/g, '') : run;
  };
  const breakAt = (index: number) => (text[index] === '\r' && text[index + 1] === '\n' ? 2 : 1);
  // Runs of ordinary characters are taken whole, up to the next character that matters.
  const inQuotes = /["\r\n]/g;
  const outside = /[,"\r\n]/g;
  let i = 0;
  while (i < text.length) {
    const next = quoted ? inQuotes : outside;
    next.lastIndex = i;
    const found = next.exec(text);
    const at = found ? found.index : text.length;
    if (quoted) cell += text.slice(i, at);
    else plain(text.slice(i, at));
    if (!found) break;
    const char = text[at];
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"';
        i = at + 2;
      } else if (char === '"') {
        quoted = false;
        afterQuote = true;
        i = at + 1;
      } else {
        cell += '\n';
        line += 1;
        i = at + breakAt(at);
      }
    } else if (char === ',') {
      endCell();
      i = at + 1;
    } else if (char === '"') {
      if (!afterQuote && cell.trim() === '') {
        cell = '';
        quoted = true;
      } else {
        plain('"');
      }
      i = at + 1;
    } else {
      endRow();
      line += 1;
      rowLine = line;
      i = at + breakAt(at);
    }
  }
  const unclosedAt = quoted ? rowLine : null;
  if (quoted || cell !== '' || cells.length > 0) endRow();
  return { rows, unclosedAt };
}

/** Header names as people write them: Title, Release In Use and release-in-use all mean release_in_use. */
const columnName = (header: string) => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** Title and body as the key of a row without id or source: case and spacing do not make another request. */
function contentKey(title: string, body: string): string {
  const normal = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return createHash('sha256').update(`${normal(title)}\n${normal(body)}`).digest('hex').slice(0, 16);
}

class RowProblem extends Error {}

/** The names of a projects or tags cell, each checked, so that one bad name says which it is. */
function namesOf(cell: string, column: CsvColumn): string[] {
  const names = cell
    .split(/[\s,;]+/)
    .map((name) => name.replace(/^#+/, '').toLowerCase())
    .filter(Boolean);
  const bad = names.find((name) => !isName(name));
  if (bad) throw new RowProblem(`${column}: "${bad}" is not a name (letters, digits, . _ + -, up to 100)`);
  return nameList(names);
}

function wholeNumber(cell: string, column: CsvColumn, min: number, max: number): number | undefined {
  if (cell === '') return undefined;
  const value = /^\d{1,15}$/.test(cell) ? Number(cell) : NaN;
  if (!(value >= min && value <= max)) throw new RowProblem(`${column} must be a whole number from ${min} to ${max}, got "${cell}"`);
  return value;
}

function originOf(cell: string): FeedbackOrigin {
  if (cell === '') return FeedbackOrigin.USER;
  const origin = Object.values(FeedbackOrigin).find((value) => value === cell.toUpperCase());
  if (!origin) throw new RowProblem(`origin must be ${Object.values(FeedbackOrigin).join(' or ')}, got "${cell}"`);
  return origin;
}

/**
 * Feedback items from a spreadsheet: one row per request under a header row
 * naming the columns (CSV_COLUMNS, any order, any case). A row keeps its item
 * across imports by its id, else by its source URL and line, else by its
 * title and body, so re-importing the same rows changes nothing even when
 * they move.
 */
export class CsvImporter implements Importer {
  readonly format = 'csv';
  readonly description = `Feedback items from a CSV file with a header row; columns ${CSV_COLUMNS.map((column) =>
    column.required ? `${column.name} (required)` : column.name,
  ).join(', ')}`;

  accepts(fileName: string): boolean {
    return /\.csv$/i.test(fileName);
  }

  parse(file: ImportFile): ParsedFile {
    const { rows, unclosedAt } = readCsv(readTextFile(file));
    const [header, ...data] = rows.filter((row) => row.cells.some((cell) => cell.trim() !== ''));
    if (!header) throw new UnreadableFileError('no header row: the first line names the columns, such as title,body,origin');
    const index = new Map<string, number>();
    const unknown: string[] = [];
    header.cells.forEach((cell, position) => {
      const name = columnName(cell);
      if (!name) return;
      if (!COLUMN_NAMES.has(name)) unknown.push(cell.trim());
      else if (index.has(name)) throw new UnreadableFileError(`the header names column ${name} twice`);
      else index.set(name, position);
    });
    if (!index.has('title')) {
      throw new UnreadableFileError(`no title column in the header row (columns: ${CSV_COLUMNS.map((column) => column.name).join(', ')})`);
    }
    const skips: Skip[] = [];
    if (unknown.length) {
      skips.push({ kind: 'feedback', at: { file: file.name, line: header.line }, reason: `column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ignored` });
    }
    const records: FeedbackRecord[] = [];
    const seen = new Map<string, number>();
    for (const row of data) {
      const at = { file: file.name, line: row.line };
      try {
        if (row.line === unclosedAt) throw new RowProblem('a quoted cell that starts in this row is never closed, so the rest of the file was read into it');
        const record = this.recordOf(row, header.cells.length, index, at);
        const earlier = seen.get(record.sourceKey);
        if (earlier !== undefined) throw new RowProblem(`the row at line ${earlier} is the same request (${record.sourceKey}); that one is kept`);
        seen.set(record.sourceKey, row.line);
        records.push(record);
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        skips.push({ kind: 'feedback', at, reason: error.message });
      }
    }
    return { records, skips };
  }

  private recordOf(row: CsvRow, width: number, index: Map<string, number>, at: { file: string; line: number }): FeedbackRecord {
    // Cells past the header that hold nothing are a trailing comma, not data.
    let filled = row.cells.length;
    while (filled > 0 && row.cells[filled - 1].trim() === '') filled -= 1;
    if (filled > width) throw new RowProblem(`${filled} cells where the header names ${width} columns`);
    const cell = (column: CsvColumn) => {
      const position = index.get(column);
      return position === undefined ? '' : (row.cells[position] ?? '').trim();
    };
    const optional = (column: CsvColumn) => cell(column) || undefined;
    const title = cell('title');
    if (!title) throw new RowProblem('no title');
    const body = cell('body');
    const id = cell('id');
    if (id.length > ID_MAX) throw new RowProblem(`id is longer than ${ID_MAX} characters`);
    const sourceUrl = optional('source_url');
    const sourceLine = wholeNumber(cell('source_line'), 'source_line', 1, SOURCE_LINE_MAX);
    const votes = wholeNumber(cell('votes'), 'votes', 0, MAX_VOTES) ?? 0;
    const sourceKey = id ? `csv:${id}` : sourceUrl && sourceLine !== undefined ? `csv:${sourceUrl}#${sourceLine}` : `csv:${contentKey(title, body)}`;
    return {
      kind: 'feedback',
      sourceKey,
      at,
      title,
      body,
      origin: originOf(cell('origin')),
      projects: namesOf(cell('projects'), 'projects'),
      tags: namesOf(cell('tags'), 'tags'),
      sourceUrl,
      sourceLine,
      organization: optional('organization'),
      releaseInUse: optional('release_in_use'),
      importedVotes: votes,
    };
  }
}
