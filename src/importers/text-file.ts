import { ImportFile, UnreadableFileError } from './importer';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The text of a file meant to be UTF-8. A few stray bytes that are not UTF-8
 * (a pasted Windows-1252 quote, say) become U+FFFD and the rest is read; a file
 * with NUL bytes, or where most lines are not UTF-8, is something else
 * (binary, UTF-16, another encoding) and nothing of it is read.
 */
export function readTextFile(file: ImportFile): string {
  const bytes = file.content;
  if (bytes.includes(0)) throw new UnreadableFileError('not a text file: it holds NUL bytes');
  const start = BOM.every((byte, index) => bytes[index] === byte) ? BOM.length : 0;
  const body = bytes.subarray(start);
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let lines = 0;
  let broken = 0;
  let from = 0;
  while (from < body.length) {
    const end = body.indexOf(0x0a, from);
    const line = body.subarray(from, end === -1 ? body.length : end);
    from = end === -1 ? body.length : end + 1;
    if (line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d)) continue;
    lines += 1;
    try {
      strict.decode(line);
    } catch {
      broken += 1;
    }
  }
  if (broken * 2 > lines) throw new UnreadableFileError(`not UTF-8 text: ${broken} of its ${lines} lines hold bytes that are not UTF-8`);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
}
