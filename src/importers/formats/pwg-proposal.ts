import { ThemeKind } from '../../themes/theme.enums';
import { Importer, ImportFile, ParsedFile, ThemeRecord, UnreadableFileError } from '../importer';
import { readTextFile } from '../text-file';
import { baseNameOf, clip, httpUrl, slugOf, userStoryKey } from './pwg-common';
import { blocksOf, firstAddress, readRst, RstBlock, RstDocument } from './rst';

/** The description must fit what a theme holds. */
const DIGEST_LIMIT = 20_000;

/** The parts of a proposal its digest keeps, by the headings authors gave them (which vary). */
const DIGEST: Array<{ label: string; heading: RegExp; list: boolean }> = [
  { label: 'Problem', heading: /^problem( (definition|description|overview|statement))?$/, list: false },
  { label: 'Opportunity', heading: /^(opportunity|justification)\b/, list: false },
  { label: 'Use cases', heading: /^use cases?$/, list: true },
  { label: 'Gaps', heading: /^gaps?( analysis)?$/, list: true },
];

/** What the template tells authors to write when they have nothing to say. */
const BOILERPLATE = [
  /^(none|n\/a|tbd|tbc|wip|todo)\.?$/i,
  /^mandatory section\b/i,
  /^this section utili[sz]es the openstack ux personas\.?$/i,
];

const HEADER = /^(cross[\s-]*project[\s-]*spec|(?:user[\s-]*story[\s-]*|feature[\s-]*)?tracker)\s*(?:[-\u2013\u2014:]\s*(.*))?$/i;

const headingOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z/]+/g, ' ')
    .trim();

/**
 * The header lines under the title: "Cross Project Spec - `Under Review <…>`_"
 * and "User Story Tracker - `… <…>`_". A value without an address ("None",
 * "Ready for Submission") says nothing yet.
 */
function headerLinks(document: RstDocument): { spec: string | null; tracker: string | null } {
  const lines = [...document.preface, ...(document.sections[0]?.body ?? [])];
  const found = { spec: null as string | null, tracker: null as string | null };
  lines.forEach((line, at) => {
    const header = HEADER.exec(line.trim());
    if (!header) return;
    let value = header[2] ?? '';
    for (let next = at + 1; next < lines.length && lines[next].trim() && !HEADER.test(lines[next].trim()); next++) value += ` ${lines[next].trim()}`;
    const address = firstAddress(value, document.targets);
    const url = address ? httpUrl(address) : null;
    const which = /spec/i.test(header[1]) ? 'spec' : 'tracker';
    if (url && !found[which]) found[which] = url;
  });
  return found;
}

function render(label: string, blocks: RstBlock[], list: boolean): string {
  const lines = blocks.map((block) => (block.kind === 'item' ? `${'  '.repeat(block.depth)}- ${block.text}` : block.text));
  return list || blocks[0].kind === 'item' ? `${label}:\n${lines.join('\n')}` : `${label}: ${lines.join('\n')}`;
}

/** "Problem: …\n\nOpportunity: …\n\nUse cases:\n- …\n\nGaps:\n- …", from the sections the proposal has. */
function digestOf(document: RstDocument): string | undefined {
  const sections = document.sections.slice(1);
  const parts = DIGEST.flatMap(({ label, heading, list }) => {
    const blocks = sections
      .filter((section) => heading.test(headingOf(section.title)))
      .flatMap((section) => blocksOf(section.body))
      .filter((block) => !BOILERPLATE.some((pattern) => pattern.test(block.text)));
    return blocks.length ? [render(label, blocks, list)] : [];
  });
  return parts.length ? clip(parts.join('\n\n'), DIGEST_LIMIT) : undefined;
}

/**
 * The working group's development proposals (user stories), in
 * reStructuredText. Each becomes one user story, keyed by its file name like
 * the tracker that follows it, so that both build one theme: the proposal
 * gives its text, the tracker its gaps and blueprints.
 */
export class PwgProposalImporter implements Importer {
  readonly format = 'pwg-proposal';
  readonly description = 'Product WG development proposals (reStructuredText): one user story each, with its problem, opportunity, use cases and gaps';

  /** A folder's README or index describes the folder; it is no proposal. */
  accepts(fileName: string): boolean {
    return /\.rst$/i.test(fileName) && !/(^|[\\/])(readme|index)\.rst$/i.test(fileName);
  }

  parse(file: ImportFile): ParsedFile {
    const document = readRst(readTextFile(file));
    const title = document.sections[0];
    if (!title?.title) throw new UnreadableFileError(`no title: a proposal starts with its title, underlined with = or -`);
    const slug = slugOf(baseNameOf(file.name));
    if (!slug) throw new UnreadableFileError(`no letter or digit in the file name to key the user story by`);
    const { spec, tracker } = headerLinks(document);
    const story: ThemeRecord = {
      kind: 'theme',
      sourceKey: userStoryKey(slug),
      at: { file: file.name, line: title.line },
      title: clip(title.title, 200),
      themeKind: ThemeKind.USER_STORY,
      description: digestOf(document),
      specUrl: spec ?? undefined,
      links: tracker ? [tracker] : undefined,
    };
    return { records: [story], skips: [] };
  }
}
