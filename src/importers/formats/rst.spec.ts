import { blocksOf, firstAddress, inlineText, readRst } from './rst';

describe('reading reStructuredText', () => {
  it('finds underlined and overlined titles, with levels in the order their styles appear', () => {
    const document = readRst(['=====', 'Title', '=====', 'intro', '', 'One', '---', 'text', '', 'Two', '+++', 'more', '', 'Three', '---'].join('\n'));
    expect(document.sections.map(({ title, level, line }) => [title, level, line])).toEqual([
      ['Title', 1, 2],
      ['One', 2, 6],
      ['Two', 3, 10],
      ['Three', 2, 14],
    ]);
    expect(document.sections[0].body).toEqual(['intro', '']);
    expect(document.sections[1].body).toEqual(['text', '']);
  });

  it('does not take table borders, indented text or short rules for titles', () => {
    const document = readRst(['Title', '=====', '', '=====  =====', 'a      b', '=====  =====', '', '  indented', '  --------', '', 'text', '--'].join('\n'));
    expect(document.sections.map((section) => section.title)).toEqual(['Title']);
  });

  it('blanks out comments with their indented lines, but an empty comment ends at once', () => {
    const document = readRst(['..', '', 'License text.', '', '.. a comment', '   that goes on', '', 'Title', '=====', '.. todo:: later', '   much later', 'Body.'].join('\n'));
    expect(document.preface).toEqual(['', '', 'License text.', '', '', '', '']);
    expect(document.sections[0]).toMatchObject({ title: 'Title', line: 8, body: ['', '', 'Body.'] });
  });

  it('collects hyperlink targets, even when the address goes on on the next line', () => {
    const document = readRst(['.. _Rey the Cloud Operator: http://docs.openstack.org/', '   cloud-ops.html', '.. _`Odd: name`: https://example.org/odd'].join('\n'));
    expect([...document.targets]).toEqual([
      ['rey the cloud operator', 'http://docs.openstack.org/cloud-ops.html'],
      ['odd: name', 'https://example.org/odd'],
    ]);
  });

  it.each([
    ['As `Rey the Cloud Operator`_, I want', 'As Rey the Cloud Operator, I want'],
    ['See `Dan Smith <http://www.danplanet.com/>`_ and `<https://example.org>`__.', 'See Dan Smith and https://example.org.'],
    ['**Upgrades** are *hard* and ``nova-manage`` helps', 'Upgrades are hard and nova-manage helps'],
    ['*Problem Definition*', 'Problem Definition'],
    [':ref:`upgrades` and `interpreted`', 'upgrades and interpreted'],
    ['IMS core [2]_ and N+k pools, 5 * 3', 'IMS core [2] and N+k pools, 5 * 3'],
    ['an escaped \\*star\\*', 'an escaped *star*'],
    ['  spread   over   spaces  ', 'spread over spaces'],
  ])('reads %j as %j', (markup, text) => {
    expect(inlineText(markup)).toBe(text);
  });

  it('finds the first address of a header value', () => {
    const targets = new Map([['the spec', 'https://review.openstack.org/1']]);
    expect(firstAddress('`Under Review <https://review.openstack.org/290977>`_', targets)).toBe('https://review.openstack.org/290977');
    expect(firstAddress('https://review.openstack.org/#/c/295543 (WIP)', targets)).toBe('https://review.openstack.org/#/c/295543');
    expect(firstAddress('see https://example.org/x.', targets)).toBe('https://example.org/x');
    expect(firstAddress('`the spec`_', targets)).toBe('https://review.openstack.org/1');
    expect(firstAddress('Ready for Submission', targets)).toBeNull();
  });

  it('reads paragraphs and nested lists, one line each', () => {
    const body = [
      'A paragraph',
      'over two lines::',
      '',
      '1. Successful upgrade',
      '    a. schedules the upgrade',
      '    b. reviews the notes,',
      '       then upgrades',
      '2. Unsuccessful upgrade',
      '',
      '* Compute application',
      '',
      '  OpenStack provides it.',
      '',
      '* As part of a PoC',
      'a lazy continuation.',
      '',
      '=====  =====',
      'After the list.',
    ];
    expect(blocksOf(body)).toEqual([
      { kind: 'paragraph', text: 'A paragraph over two lines:' },
      { kind: 'item', depth: 0, text: 'Successful upgrade' },
      { kind: 'item', depth: 1, text: 'schedules the upgrade' },
      { kind: 'item', depth: 1, text: 'reviews the notes, then upgrades' },
      { kind: 'item', depth: 0, text: 'Unsuccessful upgrade' },
      { kind: 'item', depth: 0, text: 'Compute application: OpenStack provides it.' },
      { kind: 'item', depth: 0, text: 'As part of a PoC a lazy continuation.' },
      { kind: 'paragraph', text: 'After the list.' },
    ]);
  });
});
