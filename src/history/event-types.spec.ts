import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, matchesAnyEventType, matchesEventType } from './event-types';

describe('matchesEventType', () => {
  it('takes an exact type, a family ending in .*, or * for everything', () => {
    expect(matchesEventType('loop.closed', 'loop.closed')).toBe(true);
    expect(matchesEventType('loop.closed', 'loop.closed_again')).toBe(false);
    expect(matchesEventType('loop.*', 'loop.stage_changed')).toBe(true);
    expect(matchesEventType('loop.*', 'loopy.closed')).toBe(false);
    expect(matchesEventType('loop.*', 'feedback.submitted')).toBe(false);
    expect(matchesEventType('*', 'outcome.recorded')).toBe(true);
  });
});

describe('matchesAnyEventType', () => {
  it('knows the types, their families and *', () => {
    for (const pattern of ['loop.closed', 'feedback.votes_imported', 'loop.*', 'link.*', 'webhook.*', '*']) {
      expect(matchesAnyEventType(pattern)).toBe(true);
    }
  });

  it('knows no misspelt type and no family that does not exist', () => {
    for (const pattern of ['loop.nonsense', 'loop.closed_again', 'Loop.closed', 'nonsense.*', 'loop.stage.*', 'loop.stage_*', '.*', 'loop', '**', '']) {
      expect(matchesAnyEventType(pattern)).toBe(false);
    }
  });

  it('matches only among the types it is given', () => {
    expect(matchesAnyEventType('webhook.*', ['loop.closed'])).toBe(false);
    expect(matchesAnyEventType('*', [])).toBe(false);
  });
});

describe('EVENT_TYPES', () => {
  it('are the types that docs/notifications.md describes, each once', () => {
    const guide = readFileSync(join(__dirname, '../../docs/notifications.md'), 'utf8');
    const table = guide.slice(guide.indexOf('| type |'), guide.indexOf('\n\n', guide.indexOf('| type |')));
    const firstColumns = table.split('\n').map((row) => row.split('|')[1]);
    const documented = firstColumns.flatMap((column) => [...column.matchAll(/`([a-z]+\.[a-z_]+)`/g)].map((match) => match[1]));
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect([...EVENT_TYPES].sort()).toEqual([...new Set(documented)].sort());
  });
});
