import { DefinitionStatus, ImplementationStatus, BlueprintPriority } from '../blueprints/blueprint.enums';
import { FeedbackOrigin, LoopStage, Resolution, Verdict } from '../feedback/feedback.enums';
import { OutcomeResult } from '../outcomes/outcome.enums';
import { ThemeKind } from '../themes/theme.enums';

/**
 * The trace of one loop as plain data, for the exports: the same facts as the
 * GraphQL Loop, under the same names where they share one, with every time an
 * ISO 8601 string and every absent value null, so that it serializes as it is.
 */
export interface Trace {
  key: string;
  title: string;
  body: string;
  origin: FeedbackOrigin;
  submitter: TracePerson | null;
  organization: string | null;
  releaseInUse: string | null;
  sourceUrl: string | null;
  votes: number;
  submittedAt: string;
  stage: LoopStage;
  stageEnteredAt: string;
  waitingOn: string[];
  themes: TraceTheme[];
  /** The answering blueprints, per project. */
  projects: TraceProject[];
  /** Time in each stage it has been in, in the order first entered; the current stage counts up to asOf. */
  stages: TraceStageTime[];
  stageHistory: TraceStay[];
  /** The release whose delivery completed it. */
  completedIn: string | null;
  closure: TraceClosure | null;
  verification: TraceVerification | null;
  /** For a merged duplicate: the key of the survivor. */
  duplicateOf: string | null;
  /** Everything that happened to it, oldest first. */
  timeline: TraceEvent[];
  /** The moment the trace was read: the current stage's time counts up to it. */
  asOf: string;
}

export interface TracePerson {
  name: string;
  /** Null when the reader may not see it. */
  email: string | null;
}

export interface TraceThemeRef {
  key: string;
  title: string;
  kind: ThemeKind;
}

export interface TraceTheme extends TraceThemeRef {
  /** The themes above it, nearest first. */
  parents: TraceThemeRef[];
  rationale: string | null;
  linkedAt: string;
}

export interface TraceOutcome {
  release: string;
  result: OutcomeResult;
  notes: string | null;
  releaseNoteUrl: string | null;
  recordedAt: string;
}

export interface TraceBlueprint {
  key: string;
  project: string;
  name: string;
  title: string;
  definitionStatus: DefinitionStatus;
  implementationStatus: ImplementationStatus;
  priority: BlueprintPriority;
  targetRelease: string | null;
  /** Linked to the feedback item itself. */
  direct: boolean;
  /** Keys of the themes it came through. */
  viaThemes: string[];
  counts: boolean;
  delivered: boolean;
  /** In release order. */
  outcomes: TraceOutcome[];
}

export interface TraceProject {
  project: string;
  delivered: boolean;
  blueprints: TraceBlueprint[];
}

export interface TraceStageTime {
  stage: LoopStage;
  seconds: number;
  stays: number;
}

export interface TraceStay {
  stage: LoopStage;
  enteredAt: string;
  leftAt: string | null;
  seconds: number;
}

export interface TraceClosure {
  resolution: Resolution;
  note: string | null;
  closedAt: string;
  closedBy: TracePerson | null;
}

export interface TraceVerification {
  verdict: Verdict;
  note: string | null;
  verifiedAt: string;
}

export interface TraceEvent {
  type: string;
  occurredAt: string;
  /** Null for the service's own doings. */
  actor: TracePerson | null;
  recordType: string;
  recordKey: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
}
