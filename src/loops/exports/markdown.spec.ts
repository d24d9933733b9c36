import fc from 'fast-check';
import { cell, duration, inline, link, quote, table, when } from './markdown';

interface MarkdownRenderer {
  render(markdown: string): string;
  validateLink(url: string): boolean;
}

// markdown-it ships no types; this is the little of it that the test uses.
const MarkdownIt = require('markdown-it') as new (options: { html: boolean; linkify: boolean }) => MarkdownRenderer;

/** As permissive as Markdown renderers get: raw HTML passes through and no link is filtered by its scheme. */
const permissive = new MarkdownIt({ html: true, linkify: false });
permissive.validateLink = () => true;

/** The elements a rendering holds, by name, with their attributes. */
const elementsOf = (markdown: string) =>
  [...permissive.render(markdown).matchAll(/<([a-zA-Z][^\s>/]*)([^>]*)>/g)].map(([, tag, attributes]) => ({ tag: tag.toLowerCase(), attributes: attributes.trim() }));

/** Pieces of hostile text, for the property tests to string together. */
const HOSTILE_PIECES = [
  '<', '>', '&', '[', ']', '(', ')', '!', '\\', '`', '"', "'", '|', ':', '/', '*', '_', '~', '#', '-', '=', ' ', '\n', '\r\n', '    ',
  'img src=x onerror=alert(1)', 'javascript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'script',
  '&#106;', '&lt;', '&#x3C;', 'http://example.org/', 'a', 'x', '1.',
  '\\<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">', '[a](javascript:alert(1))', '![a](data:image/png;base64,AAAA)',
  '<javascript:alert(1)>', '[x]: vbscript:msgbox(1)', '[x]', '\\[a\\](javascript:alert(1))', '<!-- x -->',
];
const hostileText = fc.oneof(fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 30 }).map((pieces) => pieces.join('')), fc.string({ unit: 'binary' }));

/** No element can load, run or lead anywhere: no link, image, frame or script, no attribute but table alignment and list numbering. */
const BENIGN_TAGS = new Set(['p', 'em', 'strong', 's', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'hr', 'pre', 'code', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const harmful = (markdown: string) =>
  elementsOf(markdown).filter(({ tag, attributes }) => !BENIGN_TAGS.has(tag) || (attributes !== '' && !/^(start="\d+"|style="text-align:(left|right|center)"|class="language-[^"]*")$/.test(attributes)));

describe('markdown pieces', () => {
  it('tells lengths of time in their two largest units', () => {
    expect(duration(0)).toBe('0s');
    expect(duration(59)).toBe('59s');
    expect(duration(125)).toBe('2m 5s');
    expect(duration(3 * 3600 + 12 * 60 + 7)).toBe('3h 12m');
    expect(duration(50 * 86_400)).toBe('50d 0h');
    expect(duration(2 * 86_400 + 5 * 3600 + 59)).toBe('2d 5h');
  });

  it('shows ISO times to the minute in UTC', () => {
    expect(when('2026-01-05T09:00:00.000Z')).toBe('2026-01-05 09:00 UTC');
  });

  it('keeps typed text on its line and out of the table structure', () => {
    expect(inline('first line\n  second line\r\nthird')).toBe('first line second line third');
    expect(inline('<script>alert(1)</script>')).toBe('\\<script\\>alert(1)\\</script\\>');
    expect(cell('a | b')).toBe('a \\| b');
  });

  it('escapes what would turn typed text into HTML, a link, an image or code, and the backslash that would undo an escape', () => {
    expect(inline('\\<img src=x onerror=alert(1)>')).toBe('\\\\\\<img src=x onerror=alert(1)\\>');
    expect(inline('[click](javascript:alert(1)) ![x](data:image/svg+xml;base64,PHN2Zz4=)')).toBe(
      '\\[click\\](javascript:alert(1)) !\\[x\\](data:image/svg+xml;base64,PHN2Zz4=)',
    );
    expect(inline('<javascript:alert(1)> `code` &amp;')).toBe('\\<javascript:alert(1)\\> \\`code\\` \\&amp;');
    expect(cell('a \\| b')).toBe('a \\\\\\| b');
    expect(quote('[x]: vbscript:msgbox(1)\n<div>')).toBe('> \\[x\\]: vbscript:msgbox(1)\n> \\<div\\>');
  });

  it('renders any typed text as text: on a line, in a table cell or as a quotation', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(harmful(`- said: ${inline(text)}`)).toEqual([]);
        expect(harmful(`${table(['Title', 'Notes'], [[cell(text), cell(text)]])}`)).toEqual([]);
        expect(harmful(`## Request\n\n${text.trim() ? quote(text) : ''}`)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('shows a line of typed text exactly as it was typed, but for its line breaks', () => {
    const decode = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    for (const text of ['\\<img src=x onerror=alert(1)>', '[a](javascript:alert(1))', '`x` &amp; &#106; <b>', 'a \\| b', 'C:\\path\\[x]']) {
      expect(decode(permissive.render(`- ${inline(text)}`)).trim()).toBe(text);
      expect(decode(permissive.render(table(['A'], [[cell(text)]])))).toContain(text);
    }
  });

  it('writes http and https addresses as links, and any other address as text', () => {
    expect(link('https://docs.openstack.org/releasenotes/nova/queens.html#new-features')).toBe('<https://docs.openstack.org/releasenotes/nova/queens.html#new-features>');
    expect(link('http://etherpad.example.org/p/ops meetup?a=1&b=(2)|3')).toBe('<http://etherpad.example.org/p/ops%20meetup?a=1&b=(2)%7C3>');
    expect(link('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(link('data:text/html,<script>alert(1)</script>')).toBe('data:text/html,\\<script\\>alert(1)\\</script\\>');
    expect(link('not an address [x](vbscript:msgbox(1)) | y')).toBe('not an address \\[x\\](vbscript:msgbox(1)) \\| y');
    const links = elementsOf(`| A |\n| --- |\n| ${link('https://example.org/a|b')} |`).filter(({ tag }) => tag === 'a');
    expect(links).toEqual([{ tag: 'a', attributes: 'href="https://example.org/a%7Cb"' }]);
    expect(elementsOf(link('javascript:alert(1)'))).toEqual([{ tag: 'p', attributes: '' }]);
  });

  it('quotes several lines, keeping blank ones inside the quotation', () => {
    expect(quote('one\n\ntwo\n')).toBe('> one\n>\n> two');
  });

  it('builds a table with a header rule', () => {
    expect(table(['A', 'B'], [['1', '2']])).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });
});
