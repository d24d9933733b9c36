import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SLUG_PATTERN } from '../common/keys';
import { SubmitFeedbackInput } from '../feedback/dto/feedback.inputs';
import { FeedbackRecord } from './importer';

export const TITLE_MAX = 200;
export const TITLE_MIN = 3;

/** The import bookkeeping stores source keys in a column of this width. */
export const SOURCE_KEY_MAX = 1000;

/**
 * A title of at most TITLE_MAX characters: cut on the last word boundary that
 * fits, with an ellipsis, so that a long statement still reads as a sentence.
 */
export function shortenTitle(text: string): string {
  const title = text.trim();
  if (title.length <= TITLE_MAX) return title;
  let end = TITLE_MAX - 1;
  const last = title.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const head = title.slice(0, end);
  const space = /\s/.test(title[end]) ? end : head.search(/\s\S*$/);
  // One very long word (a URL) is cut where it must be rather than leaving a stub.
  const cut = space > TITLE_MAX / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.\-–—]+$/, '')}…`;
}

/**
 * Tag or project names as the API stores them: lower case, without leading #,
 * each once, sorted the way the service lists them back, so that an import
 * compares equal to what it wrote before.
 */
export function nameList(names: Iterable<string>): string[] {
  const cleaned = [...names].map((name) => name.trim().replace(/^#+/, '').toLowerCase()).filter(Boolean);
  return [...new Set(cleaned)].sort();
}

/** Whether a name is one the API accepts as a tag or project. */
export const isName = (name: string): boolean => SLUG_PATTERN.test(name);

/**
 * Why the service would refuse this record, or null. The import service calls
 * the feedback service directly, past the API's input validation, so the
 * importers hold their records to the same rules as submitFeedback.
 */
export function feedbackProblem(record: FeedbackRecord): string | null {
  if (record.sourceKey.length > SOURCE_KEY_MAX) return `its source key is longer than ${SOURCE_KEY_MAX} characters`;
  if (!Number.isSafeInteger(record.importedVotes) || record.importedVotes < 0) return 'votes must be a whole number, 0 or more';
  const input = plainToInstance(SubmitFeedbackInput, {
    title: record.title,
    body: record.body,
    origin: record.origin,
    organization: record.organization ?? undefined,
    releaseInUse: record.releaseInUse ?? undefined,
    projects: record.projects,
    tags: record.tags,
    sourceUrl: record.sourceUrl ?? undefined,
    sourceLine: record.sourceLine ?? undefined,
  });
  const problems = validateSync(input, { forbidUnknownValues: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => (message.startsWith(error.property) ? message : `${error.property} ${message}`)),
  );
  return problems.length ? problems.join('; ') : null;
}
