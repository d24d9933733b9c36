/**
 * Small pieces of Markdown shared by the export documents. Text that people
 * typed is escaped only where it would break the document or smuggle HTML
 * into a rendered page; the rest stays as written, to read well as plain text.
 */

const HTML = /[<>]/g;

/** Free text on one line (a heading, a list item): no line breaks, no raw HTML. */
export function inline(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(HTML, '\\$&').trim();
}

/** Free text in a table cell: also no pipe, which would end the cell. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Free text of several lines, as a quotation. */
export function quote(text: string): string {
  const lines = text.trim().replace(HTML, '\\$&').split(/\r?\n/);
  return lines.map((line) => (line ? `> ${line}` : '>')).join('\n');
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
