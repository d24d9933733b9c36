import { DefinitionStatus, ImplementationStatus } from '../blueprints/blueprint.enums';
import { ThemeStatus } from '../themes/theme.enums';

/** What one status word of a tracker says in each vocabulary it can speak to. */
export interface StatusSense {
  /** For a blueprint: Launchpad's implementation status. UNKNOWN means the word says nothing about the work. */
  implementation: ImplementationStatus;
  /** For a user story or a gap; absent when the word says nothing about it. */
  theme?: ThemeStatus;
  /** For a blueprint's spec: only words that speak to its approval carry one. */
  definition?: DefinitionStatus;
}

const finished: StatusSense = {
  implementation: ImplementationStatus.IMPLEMENTED,
  theme: ThemeStatus.COMPLETED,
  definition: DefinitionStatus.APPROVED,
};
const underway: StatusSense = { implementation: ImplementationStatus.STARTED, theme: ThemeStatus.IN_PROGRESS };
const waiting: StatusSense = { implementation: ImplementationStatus.NOT_STARTED, theme: ThemeStatus.ACCEPTED };

/**
 * The one table from the status words people wrote in the trackers to the
 * service's vocabularies, keyed by the word in normal form (see
 * normalStatusWord). Launchpad's own words are in it too, so that a tracker
 * that copied them maps one to one.
 */
export const STATUS_MAP: Readonly<Record<string, StatusSense>> = {
  '': { implementation: ImplementationStatus.UNKNOWN },
  unknown: { implementation: ImplementationStatus.UNKNOWN },
  complete: finished,
  completed: finished,
  done: finished,
  implemented: finished,
  finished: finished,
  'in progress': underway,
  started: underway,
  ongoing: underway,
  'slow progress': { implementation: ImplementationStatus.SLOW_PROGRESS, theme: ThemeStatus.IN_PROGRESS },
  'good progress': { implementation: ImplementationStatus.GOOD_PROGRESS, theme: ThemeStatus.IN_PROGRESS },
  'needs code review': { implementation: ImplementationStatus.NEEDS_CODE_REVIEW, theme: ThemeStatus.IN_PROGRESS },
  'beta available': { implementation: ImplementationStatus.BETA_AVAILABLE, theme: ThemeStatus.IN_PROGRESS },
  deployment: { implementation: ImplementationStatus.DEPLOYMENT, theme: ThemeStatus.IN_PROGRESS },
  pending: waiting,
  'not started': waiting,
  new: waiting,
  planned: waiting,
  proposed: { implementation: ImplementationStatus.NOT_STARTED, theme: ThemeStatus.PROPOSED },
  'needs infrastructure': { implementation: ImplementationStatus.NEEDS_INFRASTRUCTURE, theme: ThemeStatus.ACCEPTED },
  blocked: { implementation: ImplementationStatus.BLOCKED, theme: ThemeStatus.IN_PROGRESS },
  deferred: { implementation: ImplementationStatus.DEFERRED, theme: ThemeStatus.ACCEPTED },
  postponed: { implementation: ImplementationStatus.DEFERRED, theme: ThemeStatus.ACCEPTED },
  approved: { implementation: ImplementationStatus.UNKNOWN, theme: ThemeStatus.ACCEPTED, definition: DefinitionStatus.APPROVED },
  obsolete: { implementation: ImplementationStatus.UNKNOWN, theme: ThemeStatus.ARCHIVED, definition: DefinitionStatus.OBSOLETE },
  abandoned: { implementation: ImplementationStatus.UNKNOWN, theme: ThemeStatus.ARCHIVED, definition: DefinitionStatus.OBSOLETE },
  superseded: { implementation: ImplementationStatus.UNKNOWN, theme: ThemeStatus.ARCHIVED, definition: DefinitionStatus.SUPERSEDED },
};

/** Case, surrounding blanks, and the choice between '-', '_' and spaces do not change what a status word means. */
export function normalStatusWord(word: string): string {
  return word.trim().toLowerCase().replace(/[-_\s]+/g, ' ').trim();
}

/** A word of the template left in place, such as $bp_status: the author said nothing yet. */
const PLACEHOLDER = /^\$\w*$/;

export type StatusReading =
  | { known: true; sense: StatusSense }
  /** The author said something the table does not know; it reads as UNKNOWN and deserves a note. */
  | { known: false; sense: StatusSense; word: string };

export function readStatus(value: unknown): StatusReading {
  if (value === undefined || value === null) return { known: true, sense: STATUS_MAP[''] };
  if (typeof value !== 'string') return { known: false, sense: STATUS_MAP[''], word: JSON.stringify(value) };
  if (PLACEHOLDER.test(value.trim())) return { known: true, sense: STATUS_MAP[''] };
  const word = normalStatusWord(value);
  return Object.hasOwn(STATUS_MAP, word) ? { known: true, sense: STATUS_MAP[word] } : { known: false, sense: STATUS_MAP[''], word: value.trim() };
}
