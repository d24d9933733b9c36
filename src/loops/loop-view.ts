import { FeedbackItem } from '../feedback/feedback-item.entity';
import { Resolution, Verdict } from '../feedback/feedback.enums';
import { BlueprintRoute } from './loop-facts.service';
import { counts, firstDelivery } from './stage';

/**
 * The readings of a loop's record that every view of the trace shares (the
 * GraphQL Loop and the exports), so that both say the same thing.
 */

export interface AnswerState {
  /** False for obsolete or superseded blueprints, which answer nothing any more. */
  counts: boolean;
  /** A release delivered it (PARTIAL does not count). */
  delivered: boolean;
}

export function answerState(route: BlueprintRoute): AnswerState {
  return { counts: counts(route.fact), delivered: firstDelivery(route.fact) !== null };
}

export interface ProjectShare<T> {
  project: string;
  blueprints: T[];
  /** Every counted blueprint of this project was delivered. */
  delivered: boolean;
}

/** The answering blueprints grouped per project, projects in name order. */
export function perProject<T extends AnswerState>(answers: T[], projectOf: (answer: T) => string): ProjectShare<T>[] {
  const projects = [...new Set(answers.map(projectOf))].sort();
  return projects.map((project) => {
    const blueprints = answers.filter((answer) => projectOf(answer) === project);
    const counted = blueprints.filter((answer) => answer.counts);
    return { project, blueprints, delivered: counted.length > 0 && counted.every((answer) => answer.delivered) };
  });
}

export interface Closure {
  resolution: Resolution;
  note: string | null;
  closedAt: Date;
  closedById: number | null;
}

/** The closure in force, if any. */
export function closureOf(item: FeedbackItem): Closure | null {
  const { resolution, resolutionNote, closedAt, closedById } = item;
  return resolution && closedAt ? { resolution, note: resolutionNote, closedAt, closedById } : null;
}

export interface Verification {
  verdict: Verdict;
  note: string | null;
  verifiedAt: Date;
  verifiedById: number;
}

/** The requester's answer to the latest closure, if they gave one. */
export function verificationOf(item: FeedbackItem): Verification | null {
  const { verdict, verdictNote, verifiedAt, submitterId } = item;
  return verdict && verifiedAt ? { verdict, note: verdictNote, verifiedAt, verifiedById: submitterId } : null;
}
