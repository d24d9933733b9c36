import { cell, duration, inline, quote, table, when } from './markdown';

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

  it('quotes several lines, keeping blank ones inside the quotation', () => {
    expect(quote('one\n\ntwo\n')).toBe('> one\n>\n> two');
  });

  it('builds a table with a header rule', () => {
    expect(table(['A', 'B'], [['1', '2']])).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });
});
