/**
 * Small pieces of Markdown shared by the export documents. Text that people
 * typed is escaped wherever it could become markup when the document is
 * rendered: raw HTML, an entity, a link or an image (whose URL could be
 * javascript:, data: or vbscript:), a code span, or a backslash that would
 * undo one of these escapes. Emphasis and the like stay as written, to read
 * well as plain text. The only links are the web addresses that the service
 * itself writes, through link().
 */

const MARKUP = /[\\<>&[\]`]/g;

const escaped = (text: string) => text.replace(MARKUP, '\\$&');

/** Free text on one line (a heading, a list item): no line breaks, no markup. */
export function inline(text: string): string {
  return escaped(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/** Free text in a table cell: also no pipe, which would end the cell. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Free text of several lines, as a quotation. */
export function quote(text: string): string {
  const lines = escaped(text.trim()).split(/\r?\n/);
  return lines.map((line) => (line ? `> ${line}` : '>')).join('\n');
}

/**
 * A web address as a link, if it is an http or https one; any other stays
 * text. Either fits in a table cell. An autolink (<https://…>) takes the
 * address as it is, and the WHATWG serialisation has no space, < or > to end
 * it early; a pipe or a backtick, which would end a table cell or open a code
 * span, is percent-encoded.
 */
export function link(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return cell(url);
  return `<${parsed.href.replace(/[|`]/g, encodeURIComponent)}>`;
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** An ISO time, to the minute, as people read it: 2026-01-05 09:00 UTC. */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A length of time in its two largest units: 50d 0h, 3h 12m, 4m 5s, 12s. */
export function duration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
