import { DefinitionStatus, ImplementationStatus } from '../blueprints/blueprint.enums';
import { LoopStage, Resolution, Verdict } from '../feedback/feedback.enums';
import { OutcomeResult } from '../outcomes/outcome.enums';

/**
 * The stage engine: the one definition of what each stage of a loop means.
 * Facts in, stage and reasons out; no I/O, so it can be tested exhaustively
 * and re-run from scratch to check what is stored.
 */

export interface OutcomeFact {
  releaseId: number;
  release: string;
  /** The release's position in the sequence of releases. */
  sequence: number;
  result: OutcomeResult;
}

export interface BlueprintFact {
  id: number;
  project: string;
  name: string;
  definitionStatus: DefinitionStatus;
  implementationStatus: ImplementationStatus;
  targetRelease: string | null;
  outcomes: OutcomeFact[];
}

export interface LoopFacts {
  /** A product manager accepted it for consideration. */
  triaged: boolean;
  /** Keys of the themes it is linked to. */
  themeKeys: string[];
  /** Every blueprint that answers it: linked to it directly, or to one of its themes or their sub-themes. */
  blueprints: BlueprintFact[];
  /** The explicit closure in force, if any. */
  resolution: Resolution | null;
  /** The requester's answer to that closure. */
  verdict: Verdict | null;
}

export interface StageVerdict {
  stage: LoopStage;
  /** What the loop waits on now, in words a product manager reads. */
  waitingOn: string[];
  /** When every counted blueprint is delivered: the release of the last delivery, which completed the loop. */
  completedInReleaseId: number | null;
}

/** Launchpad's "not started" statuses are the first five; from STARTED on, work has begun. */
const NOT_STARTED = new Set([
  ImplementationStatus.UNKNOWN,
  ImplementationStatus.NOT_STARTED,
  ImplementationStatus.DEFERRED,
  ImplementationStatus.NEEDS_INFRASTRUCTURE,
  ImplementationStatus.BLOCKED,
]);

export const isStarted = (status: ImplementationStatus) => !NOT_STARTED.has(status);

/** Obsolete and superseded blueprints answer nothing any more. */
export const counts = (blueprint: Pick<BlueprintFact, 'definitionStatus'>) =>
  blueprint.definitionStatus !== DefinitionStatus.OBSOLETE && blueprint.definitionStatus !== DefinitionStatus.SUPERSEDED;

/** The first release that delivered the blueprint; PARTIAL does not count. */
export function firstDelivery(blueprint: BlueprintFact): OutcomeFact | null {
  const deliveries = blueprint.outcomes.filter((outcome) => outcome.result === OutcomeResult.DELIVERED);
  return deliveries.reduce<OutcomeFact | null>((first, outcome) => (!first || outcome.sequence < first.sequence ? outcome : first), null);
}

function describe(blueprint: BlueprintFact): string {
  const name = `${blueprint.project} blueprint ${blueprint.name}`;
  const target = blueprint.targetRelease ? `, target ${blueprint.targetRelease}` : '';
  const partial = blueprint.outcomes.filter((outcome) => outcome.result === OutcomeResult.PARTIAL).map((outcome) => outcome.release);
  const partly = partial.length ? `; partial in ${partial.join(', ')}` : '';
  if (blueprint.implementationStatus === ImplementationStatus.IMPLEMENTED) {
    return `${name} implemented, no release has delivered it yet${target}${partly}`;
  }
  if (isStarted(blueprint.implementationStatus)) {
    return `${name} in progress (${blueprint.implementationStatus})${target}${partly}`;
  }
  const why = blueprint.implementationStatus === ImplementationStatus.UNKNOWN || blueprint.implementationStatus === ImplementationStatus.NOT_STARTED
    ? 'not started'
    : `not started (${blueprint.implementationStatus})`;
  return `${name} ${why}${target}${partly}`;
}

const byKey = (a: BlueprintFact, b: BlueprintFact) => `${a.project}/${a.name}`.localeCompare(`${b.project}/${b.name}`);

export function deriveStage(facts: LoopFacts): StageVerdict {
  const counted = facts.blueprints.filter(counts).sort(byKey);
  const deliveries = counted.map(firstDelivery);
  const allDelivered = counted.length > 0 && deliveries.every((delivery) => delivery !== null);
  const completing = allDelivered
    ? deliveries.reduce((last, delivery) => (delivery!.sequence > last!.sequence ? delivery : last))
    : null;
  const completedInReleaseId = completing?.releaseId ?? null;

  if (facts.resolution) {
    const waitingOn =
      facts.resolution === Resolution.DELIVERED && facts.verdict === null ? ['the submitter to confirm or dispute the closure'] : [];
    return { stage: LoopStage.CLOSED, waitingOn, completedInReleaseId };
  }
  if (allDelivered) {
    return { stage: LoopStage.RELEASED, waitingOn: ['a product manager to close it'], completedInReleaseId };
  }
  if (counted.length > 0) {
    const pending = counted.filter((_blueprint, index) => deliveries[index] === null);
    const moving = counted.some(
      (blueprint, index) =>
        isStarted(blueprint.implementationStatus) ||
        deliveries[index] !== null ||
        blueprint.outcomes.some((outcome) => outcome.result === OutcomeResult.PARTIAL),
    );
    return {
      stage: moving ? LoopStage.IN_DEVELOPMENT : LoopStage.PLANNED,
      waitingOn: pending.map(describe),
      completedInReleaseId: null,
    };
  }
  const retired = facts.blueprints.length > 0 ? [`its blueprints are all obsolete or superseded`] : [];
  if (facts.themeKeys.length > 0) {
    return {
      stage: LoopStage.THEMED,
      waitingOn: [`a blueprint answering it or its themes (${[...facts.themeKeys].sort().join(', ')})`, ...retired],
      completedInReleaseId: null,
    };
  }
  if (facts.triaged) {
    return { stage: LoopStage.TRIAGED, waitingOn: ['a product manager to link it to a roadmap theme', ...retired], completedInReleaseId: null };
  }
  return { stage: LoopStage.REQUESTED, waitingOn: ['a product manager to triage it', ...retired], completedInReleaseId: null };
}
