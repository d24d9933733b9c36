import { DefinitionStatus as D, ImplementationStatus as I } from '../blueprints/blueprint.enums';
import { ThemeStatus as T } from '../themes/theme.enums';
import { normalStatusWord, readStatus, STATUS_MAP } from './status-map';

/** Written out by hand, so that a change to the table has to be a change to this list too. */
const EXPECTED: Array<[word: string, implementation: I, theme: T | undefined, definition: D | undefined]> = [
  ['', I.UNKNOWN, undefined, undefined],
  ['unknown', I.UNKNOWN, undefined, undefined],
  ['complete', I.IMPLEMENTED, T.COMPLETED, D.APPROVED],
  ['completed', I.IMPLEMENTED, T.COMPLETED, D.APPROVED],
  ['done', I.IMPLEMENTED, T.COMPLETED, D.APPROVED],
  ['implemented', I.IMPLEMENTED, T.COMPLETED, D.APPROVED],
  ['finished', I.IMPLEMENTED, T.COMPLETED, D.APPROVED],
  ['in progress', I.STARTED, T.IN_PROGRESS, undefined],
  ['started', I.STARTED, T.IN_PROGRESS, undefined],
  ['ongoing', I.STARTED, T.IN_PROGRESS, undefined],
  ['slow progress', I.SLOW_PROGRESS, T.IN_PROGRESS, undefined],
  ['good progress', I.GOOD_PROGRESS, T.IN_PROGRESS, undefined],
  ['needs code review', I.NEEDS_CODE_REVIEW, T.IN_PROGRESS, undefined],
  ['beta available', I.BETA_AVAILABLE, T.IN_PROGRESS, undefined],
  ['deployment', I.DEPLOYMENT, T.IN_PROGRESS, undefined],
  ['pending', I.NOT_STARTED, T.ACCEPTED, undefined],
  ['not started', I.NOT_STARTED, T.ACCEPTED, undefined],
  ['new', I.NOT_STARTED, T.ACCEPTED, undefined],
  ['planned', I.NOT_STARTED, T.ACCEPTED, undefined],
  ['proposed', I.NOT_STARTED, T.PROPOSED, undefined],
  ['needs infrastructure', I.NEEDS_INFRASTRUCTURE, T.ACCEPTED, undefined],
  ['blocked', I.BLOCKED, T.IN_PROGRESS, undefined],
  ['deferred', I.DEFERRED, T.ACCEPTED, undefined],
  ['postponed', I.DEFERRED, T.ACCEPTED, undefined],
  ['approved', I.UNKNOWN, T.ACCEPTED, D.APPROVED],
  ['obsolete', I.UNKNOWN, T.ARCHIVED, D.OBSOLETE],
  ['abandoned', I.UNKNOWN, T.ARCHIVED, D.OBSOLETE],
  ['superseded', I.UNKNOWN, T.ARCHIVED, D.SUPERSEDED],
];

describe('the status map', () => {
  it.each(EXPECTED)('maps %j', (word, implementation, theme, definition) => {
    expect(STATUS_MAP[word]).toEqual({
      implementation,
      ...(theme ? { theme } : {}),
      ...(definition ? { definition } : {}),
    });
    expect(readStatus(word)).toEqual({ known: true, sense: STATUS_MAP[word] });
  });

  it('has no entry without an expectation above, and no expectation without an entry', () => {
    expect(Object.keys(STATUS_MAP).sort()).toEqual(EXPECTED.map(([word]) => word).sort());
  });

  it.each([
    ['Complete', 'complete'],
    ['  In Progress ', 'in progress'],
    ['in-progress', 'in progress'],
    ['IN_PROGRESS', 'in progress'],
    ['Not-Started', 'not started'],
    ['not__started', 'not started'],
    ['Needs Code Review', 'needs code review'],
  ])('reads %j as %j', (written, word) => {
    expect(normalStatusWord(written)).toBe(word);
    expect(readStatus(written)).toEqual({ known: true, sense: STATUS_MAP[word] });
  });

  it('reads what the author did not say as UNKNOWN, without a complaint', () => {
    for (const silent of [undefined, null, '', '   ', '$bp_status', '$status']) {
      expect(readStatus(silent)).toEqual({ known: true, sense: { implementation: I.UNKNOWN } });
    }
  });

  it('reads an unknown word as UNKNOWN and says which word it was', () => {
    expect(readStatus(' Half-Baked ')).toEqual({ known: false, sense: { implementation: I.UNKNOWN }, word: 'Half-Baked' });
    expect(readStatus(42)).toEqual({ known: false, sense: { implementation: I.UNKNOWN }, word: '42' });
    expect(readStatus({ state: 'done' })).toEqual({ known: false, sense: { implementation: I.UNKNOWN }, word: '{"state":"done"}' });
  });

  it('does not mistake the names of object members for status words', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(readStatus(word).known).toBe(false);
    }
  });
});
