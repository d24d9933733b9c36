import { FeedbackOrigin } from '../../feedback/feedback.enums';
import { feedbackProblem, isName, nameList, shortenTitle, TITLE_MIN } from '../feedback-fields';
import { FeedbackRecord, Importer, ImportFile, ParsedFile, Skip, UnreadableFileError } from '../importer';
import { readTextFile } from '../text-file';

/**
 * Tags that name an OpenStack project (or a team the community treats as one):
 * a line tagged with one of them is about that project. Forum tags are free
 * text, so only names on this list become projects; every tag stays a tag.
 */
export const OPENSTACK_PROJECTS: ReadonlySet<string> = new Set([
  'aodh',
  'barbican',
  'blazar',
  'ceilometer',
  'cinder',
  'cloudkitty',
  'congress',
  'cyborg',
  'designate',
  'devstack',
  'docs',
  'dragonflow',
  'ec2-api',
  'freezer',
  'glance',
  'gnocchi',
  'heat',
  'horizon',
  'i18n',
  'infra',
  'ironic',
  'karbor',
  'keystone',
  'kolla',
  'kolla-ansible',
  'kuryr',
  'magnum',
  'manila',
  'masakari',
  'mistral',
  'monasca',
  'murano',
  'neutron',
  'nova',
  'octavia',
  'openstack-ansible',
  'openstack-helm',
  'openstackclient',
  'openstacksdk',
  'oslo',
  'panko',
  'placement',
  'qa',
  'rally',
  'sahara',
  'searchlight',
  'senlin',
  'solum',
  'swift',
  'tacker',
  'tempest',
  'tricircle',
  'tripleo',
  'trove',
  'vitrage',
  'watcher',
  'zaqar',
  'zun',
]);

/** `<etherpad URL>: <line>: <text>`, the way grep prints a match with its file and line number. */
const LINE_SHAPE = /^(https?:\/\/\S+?):[ \t]*(\d{1,9})[ \t]*:(.*)$/;

/** What a tag may be spelled with; `##<tag>` is how the forum's own instructions wrote one. */
const NAME = String.raw`<?[A-Za-z0-9][\w.+-]*>?`;

/**
 * A hashtag as the etherpads wrote them: `##tag`, and tags glued to it with a
 * single # (`##all-projects#actionitem`), which the forum's tag lists counted
 * as tags of their own.
 */
const TAG_TOKEN = new RegExp(String.raw`#{2,}${NAME}(?:#+${NAME})*`, 'g');

/**
 * Runs of +1 marks: `+1+1+1` is three. A +1 glued to a word or digit is not a
 * vote (`N+1`, `+10`), nor is one in quotes, which talks about voting.
 */
const VOTES = /(?<![\w+"'“‘])(?:\+1)+(?![\w"'”’])/g;

/** Between two tags of one run: only spaces and separators. */
const RUN_GAP = /^[\s,;&/]*$/;

/** List bullets glued to the text (`*Many operators`) or standing alone, and numbered items. */
const LEADING_NOISE = /^(?:\d{1,3}[.)](?=\s|$)|[*•·]+|[^\p{L}\p{N}\s([{"'“‘]+(?=\s|$))\s*/u;
const TRAILING_NOISE = /(?:(?:^|\s)[^\p{L}\p{N}\s]+|[,;:]+)$/u;

/**
 * The Forum's feedback sessions gathered the people who run clouds; their
 * lines count as operators' requests. End users' voices come through other
 * sources (surveys, spreadsheets) as USER.
 */
const FORUM_ORIGIN = FeedbackOrigin.OPERATOR;

interface TagToken {
  start: number;
  end: number;
  names: string[];
}

/** A hashtag's name as the API keeps tags, or null when nothing usable is left of it. */
function tagName(raw: string): string | null {
  const name = raw
    .replace(/[<>]/g, '')
    .toLowerCase()
    .replace(/[._-]+$/, '')
    .slice(0, 100)
    .replace(/[._-]+$/, '');
  return isName(name) ? name : null;
}

function tagTokens(text: string): TagToken[] {
  return [...text.matchAll(TAG_TOKEN)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    names: match[0].split(/#+/).filter(Boolean),
  }));
}

export function countVotes(text: string): number {
  return [...text.matchAll(VOTES)].reduce((sum, match) => sum + match[0].length / 2, 0);
}

/**
 * The statement of a line without its labels. A single tag in the middle of a
 * sentence ("can ##pwg or ##ewg help?") is a word of it and stays, without its
 * hashes; runs of tags and tags at either end are labels and go.
 */
export function titleOf(text: string): string {
  const unvoted = text.replace(VOTES, ' ');
  const tokens = tagTokens(unvoted);
  const runs: TagToken[][] = [];
  for (const token of tokens) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (previous && RUN_GAP.test(unvoted.slice(previous.end, token.start))) run.push(token);
    else runs.push([token]);
  }
  let title = '';
  let at = 0;
  for (const run of runs) {
    const first = run[0];
    const last = run[run.length - 1];
    const before = strip(unvoted.slice(0, first.start), (text) => text.replace(LEADING_NOISE, ''));
    const inline = run.length === 1 && first.names.length === 1 && /[\p{L}\p{N}]/u.test(before) && /^\s*[\p{L}\p{N}]/u.test(unvoted.slice(last.end));
    title += unvoted.slice(at, first.start) + (inline ? ` ${first.names[0].replace(/[<>]/g, '')} ` : ' ');
    at = last.end;
  }
  title += unvoted.slice(at);
  const tidy = title.replace(/\s+/g, ' ').replace(/([([{])\s+/g, '$1').replace(/\s+([)\]},;])/g, '$1');
  return strip(strip(tidy, (text) => text.replace(LEADING_NOISE, '')), (text) =>
    // "a formal process ?" asks a question: a lone mark belongs to the sentence, unless it repeats its last one.
    text.replace(/([^?!\s])\s+([?!]+)$/u, '$1$2').replace(TRAILING_NOISE, ''),
  );
}

/** Takes noise off the text's edge for as long as there is some. */
function strip(text: string, step: (text: string) => string): string {
  let current = text.trim();
  for (let next = step(current).trim(); next !== current; next = step(current).trim()) current = next;
  return current;
}

/** The tag a file was filed under, from its name (TAG-painpoint.md). */
function fileTagOf(fileName: string): string | null {
  const match = /^tag-(.+)\.md$/i.exec(fileName.split(/[\\/]/).pop() ?? '');
  return match ? tagName(match[1]) : null;
}

/** Why a line is not `<etherpad URL>: <line>: <text>`. */
function shapeProblem(line: string): string {
  if (!/^https?:\/\/\S/.test(line)) return 'not a forum line: it does not start with an etherpad URL';
  if (!/^https?:\/\/\S+?:[ \t]*\d+[ \t]*:/.test(line)) return 'no etherpad line number after the URL (cut short?)';
  return 'the etherpad line number is not a usable number';
}

/**
 * The Boston Forum's tag lists (TAG-<tag>.md): one line per etherpad line
 * tagged `##<tag>`, so a line with three tags is in three files. Each yields
 * the same record, keyed by the etherpad line and tagged with every tag of
 * its text, so a line counts once however many files it is in. Every item
 * is an operator's (FORUM_ORIGIN).
 */
export class ForumTagsImporter implements Importer {
  readonly format = 'forum-tags';
  readonly description = 'Forum hashtag lists (TAG-<tag>.md): "<etherpad URL>: <line>: <text with ##tags>", one feedback item per etherpad line';

  accepts(fileName: string): boolean {
    return /\.md$/i.test(fileName);
  }

  parse(file: ImportFile): ParsedFile {
    const lines = readTextFile(file).split(/\r\n|\n|\r/);
    const fileTag = fileTagOf(file.name);
    const records: FeedbackRecord[] = [];
    const skips: Skip[] = [];
    const seen = new Map<string, { line: number; said: string }>();
    let shaped = 0;
    lines.forEach((raw, index) => {
      const at = { file: file.name, line: index + 1 };
      const line = raw.trim();
      if (!line) return;
      const match = LINE_SHAPE.exec(line);
      if (!match) {
        skips.push({ kind: 'feedback', at, reason: shapeProblem(line) });
        return;
      }
      const [, url, number, rest] = match;
      const text = rest.trim();
      if (!text) {
        skips.push({ kind: 'feedback', at, reason: 'no text after the etherpad line number' });
        return;
      }
      shaped += 1;
      const title = shortenTitle(titleOf(text));
      if (title.length < TITLE_MIN) {
        skips.push({ kind: 'feedback', at, reason: `nothing to call it once its tags, +1s and bullets are set aside: ${JSON.stringify(text)}` });
        return;
      }
      const textTags = tagTokens(text).flatMap((token) => token.names.map(tagName));
      const tags = nameList([...textTags, fileTag].filter((tag): tag is string => tag !== null));
      const record: FeedbackRecord = {
        kind: 'feedback',
        sourceKey: `forum:${url}#${Number(number)}`,
        at,
        title,
        body: text,
        origin: FORUM_ORIGIN,
        projects: tags.filter((tag) => OPENSTACK_PROJECTS.has(tag)),
        tags,
        sourceUrl: url,
        sourceLine: Number(number),
        importedVotes: countVotes(text),
      };
      const problem = feedbackProblem(record);
      if (problem) {
        skips.push({ kind: 'feedback', at, reason: problem });
        return;
      }
      const said = JSON.stringify({ ...record, at: undefined });
      const earlier = seen.get(record.sourceKey);
      if (earlier) {
        if (earlier.said !== said) {
          skips.push({ kind: 'feedback', at, reason: `etherpad line ${number} is at line ${earlier.line} of this file already, with other text; that one is kept` });
        }
        return;
      }
      seen.set(record.sourceKey, { line: at.line, said });
      records.push(record);
    });
    if (shaped === 0) throw new UnreadableFileError('no line of the form "<etherpad URL>: <line>: <text>"');
    return { records, skips };
  }
}
