/**
 * Just enough reStructuredText to read the working group's documents:
 * section titles, comments and hyperlink targets, paragraphs and lists, and
 * inline markup reduced to its text. Not a general RST parser.
 */

export interface RstSection {
  /** The title as plain text. */
  title: string;
  /** 1 for the document title, 2 for the sections under it, and so on, in the order the adornment styles first appear. */
  level: number;
  /** 1-based line of the title text. */
  line: number;
  /** The lines between this title and the next one of any level, comments blanked out. */
  body: string[];
}

export interface RstDocument {
  sections: RstSection[];
  /** The lines before the first title, comments blanked out. */
  preface: string[];
  /** Hyperlink targets (.. _Name: address) by their name in lower case. */
  targets: Map<string, string>;
}

export type RstBlock = { kind: 'paragraph'; text: string } | { kind: 'item'; depth: number; text: string };

const ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;
const EXPLICIT = /^(\s*)\.\.(\s|$)/;
const TARGET = /^\s*\.\.\s+_(`[^`]+`|[^:]+):\s*(.*)$/;
const BULLET = /^(\s*)([-*+\u2022]|\d+[.)]|\(\d+\)|[a-zA-Z][.)]|#[.)]|\(?[ivxlcdm]+[.)])\s+(\S.*)$/;
const TABLE_BORDER = /^\s*[=+-][=+\-| ]*$/;

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === '';
const targetName = (name: string) => name.replace(/^`|`$/g, '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Blanks out every explicit markup block (comments, directives, targets),
 * keeping the line count so titles keep their line numbers, and collects the
 * hyperlink targets on the way.
 */
function withoutMarkupBlocks(lines: string[], targets: Map<string, string>): string[] {
  const kept = [...lines];
  for (let at = 0; at < lines.length; at++) {
    const start = EXPLICIT.exec(lines[at]);
    if (!start) continue;
    const indent = start[1].length;
    let end = at + 1;
    // An empty comment ("..") ends at once: it does not swallow the text after it.
    if (lines[at].trim() !== '..') {
      for (let next = at + 1; next < lines.length; next++) {
        if (isBlank(lines[next])) continue;
        if (indentOf(lines[next]) <= indent) break;
        end = next + 1;
      }
    }
    const target = TARGET.exec(lines[at]);
    if (target) {
      const address = [target[2], ...lines.slice(at + 1, end).map((line) => line.trim())].join('').trim();
      if (address) targets.set(targetName(target[1]), address);
    }
    for (let blank = at; blank < end; blank++) kept[blank] = '';
    at = end - 1;
  }
  return kept;
}

export function readRst(text: string): RstDocument {
  const targets = new Map<string, string>();
  const lines = withoutMarkupBlocks(text.replace(/\r\n?/g, '\n').split('\n'), targets);
  const styles: string[] = [];
  const titles: Array<{ title: string; style: string; line: number; start: number; bodyStart: number }> = [];
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    const next = lines[at + 1] ?? '';
    const over = ADORNMENT.exec(line);
    let found: { text: string; style: string; textAt: number; end: number } | null = null;
    if (over && !isBlank(next) && !ADORNMENT.test(next) && ADORNMENT.exec(lines[at + 2] ?? '')?.[1] === over[1]) {
      found = { text: next, style: `over${over[1]}`, textAt: at + 1, end: at + 3 };
    } else if (!isBlank(line) && indentOf(line) === 0 && !ADORNMENT.test(line) && indentOf(next) === 0 && ADORNMENT.test(next)) {
      found = { text: line, style: next.trim()[0], textAt: at, end: at + 2 };
    }
    if (!found) continue;
    if (!styles.includes(found.style)) styles.push(found.style);
    titles.push({ title: inlineText(found.text), style: found.style, line: found.textAt + 1, start: at, bodyStart: found.end });
    at = found.end - 1;
  }
  const sections = titles.map((title, position) => ({
    title: title.title,
    level: styles.indexOf(title.style) + 1,
    line: title.line,
    body: lines.slice(title.bodyStart, titles[position + 1]?.start ?? lines.length),
  }));
  return { sections, preface: lines.slice(0, titles[0]?.start ?? lines.length), targets };
}

/** Inline markup reduced to the words a reader sees: `Text <url>`_ → Text, **bold** → bold, ``code`` → code. */
export function inlineText(text: string): string {
  return text
    .replace(/``(.+?)``/g, '$1')
    .replace(/`([^`<]*?)\s*<([^>`]+)>`__?/g, (_match, label: string, address: string) => label.trim() || address.trim())
    .replace(/:[\w.-]+:`([^`]+)`/g, '$1')
    .replace(/`([^`]+)`(__?|:[\w.-]+:)?/g, '$1')
    .replace(/\*\*(\S(?:.*?\S)?)\*\*/g, '$1')
    .replace(/(^|[\s(["'])\*(\S(?:[^*]*?\S)?)\*(?=$|[\s)\]"'.,;:!?-])/g, '$1$2')
    .replace(/(\[[\w#*]+\])_/g, '$1')
    .replace(/\\([\\`*_|[\]<>:.-])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first address a line of text gives: an embedded `label <address>`_, a bare address, or a named `reference`_. */
export function firstAddress(text: string, targets: Map<string, string>): string | null {
  const embedded = /`[^`<]*<(https?:\/\/[^>`\s]+)>`_/i.exec(text);
  if (embedded) return embedded[1];
  const bare = /https?:\/\/[^\s<>`"')]+/i.exec(text);
  if (bare) return bare[0].replace(/[.,;:]+$/, '');
  const named = /`([^`]+)`_/.exec(text);
  return named ? (targets.get(targetName(named[1])) ?? null) : null;
}

/**
 * A section body as paragraphs and list items (nested by indentation), each
 * on one line. A paragraph indented under an item belongs to the item.
 */
export function blocksOf(body: string[]): RstBlock[] {
  const blocks: RstBlock[] = [];
  const items: Array<{ markerIndent: number; block: RstBlock }> = [];
  let current: RstBlock | null = null;
  let afterBlank = true;
  for (const line of body) {
    if (isBlank(line)) {
      afterBlank = true;
      continue;
    }
    if (TABLE_BORDER.test(line) && line.trim().length > 2) continue;
    const indent = indentOf(line);
    const text = line.trim();
    const bullet = BULLET.exec(line);
    if (bullet || afterBlank) while (items.length && items[items.length - 1].markerIndent >= indent) items.pop();
    if (bullet) {
      current = { kind: 'item', depth: items.length, text: bullet[3].trim() };
      items.push({ markerIndent: indent, block: current });
      blocks.push(current);
    } else if (!afterBlank && current) {
      current.text += ` ${text}`;
    } else if (items.length) {
      // A paragraph indented under an item goes on with it: "Compute application: OpenStack already provides…".
      current = items[items.length - 1].block;
      current.text += `${/[.!?:]$/.test(current.text) ? '' : ':'} ${text}`;
    } else {
      current = { kind: 'paragraph', text };
      blocks.push(current);
    }
    afterBlank = false;
  }
  return blocks
    .map((block) => ({ ...block, text: inlineText(block.text.replace(/::$/, ':')) }))
    .filter((block) => block.text !== '');
}
