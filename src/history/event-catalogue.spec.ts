import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Role } from '../common/role';
import { CONSEQUENCES, Consequence, checkedOrder } from './consequences';
import { EVENT_CATALOGUE, EVENT_TYPES, EventAudience, EventType, hiddenEventTypes, LoopEffect, matchesAnyEventType, matchesEventType, mayReadEvent, RecordType } from './event-catalogue';

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

describe('the catalogue', () => {
  const roles = [Role.USER, Role.OPERATOR, Role.TECH_LEAD, Role.PRODUCT_MANAGER, Role.ADMIN];

  it('shows events about actors, tokens and webhooks to admins only, and every other event to every role', () => {
    for (const type of EVENT_TYPES) {
      const adminOnly = [RecordType.ACTOR, RecordType.TOKEN, RecordType.WEBHOOK].includes(EVENT_CATALOGUE[type].record);
      expect(roles.filter((role) => mayReadEvent({ role }, type))).toEqual(adminOnly ? [Role.ADMIN] : roles);
    }
    expect(hiddenEventTypes({ role: Role.ADMIN })).toEqual([]);
    expect(hiddenEventTypes({ role: Role.USER }).every((type) => EVENT_CATALOGUE[type].audience === EventAudience.ADMINS)).toBe(true);
  });

  it('names each type by its record: the family of a type is its kind of record, but for the loop family', () => {
    for (const type of EVENT_TYPES) {
      const family = type.split('.')[0];
      expect(family === 'loop' ? RecordType.FEEDBACK : family).toBe(EVENT_CATALOGUE[type].record);
    }
  });

  it('sends webhooks everything but what happens to webhooks, and notifies only of moves of loops', () => {
    expect(EVENT_TYPES.filter((type) => !EVENT_CATALOGUE[type].sentToWebhooks)).toEqual(EVENT_TYPES.filter((type) => type.startsWith('webhook.')));
    for (const type of EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].notifies)) {
      expect(EVENT_CATALOGUE[type].record).toBe(RecordType.FEEDBACK);
      expect(EVENT_CATALOGUE[type].loops).not.toBe(LoopEffect.NONE);
    }
    expect(EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].namesNotified).every((type) => EVENT_CATALOGUE[type].notifies)).toBe(true);
  });

  it('derives only the stage changes, releases and stall reports of loops, never projecting them again', () => {
    const derived = EVENT_TYPES.filter((type) => [LoopEffect.FOLLOWS, LoopEffect.REPORTS].includes(EVENT_CATALOGUE[type].loops));
    expect(derived.sort()).toEqual([EventType.LOOP_RELEASED, EventType.LOOP_STAGE_CHANGED, EventType.LOOP_STALLED].sort());
  });
});

describe('the consequences', () => {
  it('run in the order listed, the projection first', () => {
    expect(checkedOrder(CONSEQUENCES)[0]).toBe(Consequence.PROJECTION);
    expect(new Set(checkedOrder(CONSEQUENCES))).toEqual(new Set(Object.values(Consequence)));
  });

  it('refuse an order in which a consequence comes before one it must follow, or comes twice', () => {
    expect(() => checkedOrder([{ id: Consequence.INBOX, after: [Consequence.PROJECTION] }, { id: Consequence.PROJECTION, after: [] }])).toThrow(/inbox must come after projection/);
    expect(() => checkedOrder([{ id: Consequence.PROJECTION, after: [] }, { id: Consequence.PROJECTION, after: [] }])).toThrow(/twice/);
  });
});

describe('event types in the code', () => {
  const files = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
    );

  it('are named only by the catalogue (migrations keep what they wrote)', () => {
    const source = join(__dirname, '..');
    const quoted = new RegExp(`['"\`](${EVENT_TYPES.map((type) => type.replace('.', '\\.')).join('|')})['"\`]`);
    const naming = files(source)
      .map((file) => relative(source, file))
      .filter((file) => !file.startsWith('history/event-catalogue') && !file.startsWith('database/migrations/'))
      .filter((file) => quoted.test(readFileSync(join(source, file), 'utf8')));
    expect(naming).toEqual([]);
  });
});
