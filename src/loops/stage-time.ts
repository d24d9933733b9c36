import { LoopStage } from '../feedback/feedback.enums';

export interface StageSpan {
  stage: LoopStage;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number;
}

/** A stay as the stage projector keeps it: the current one has no end and counts up to now. */
export interface StoredStay {
  stage: LoopStage;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number | null;
}

/** The stays of a loop, oldest first, with the current one counted up to now. */
export function stageSpans(stays: StoredStay[], now: Date): StageSpan[] {
  return stays.map((stay) => ({
    stage: stay.stage,
    enteredAt: stay.enteredAt,
    leftAt: stay.leftAt,
    seconds: stay.seconds ?? Math.max(0, Math.round((now.getTime() - stay.enteredAt.getTime()) / 1000)),
  }));
}

/** Total time and number of stays per stage, in the order the stages were first entered. */
export function timeInStages(spans: StageSpan[]): Array<{ stage: LoopStage; seconds: number; visits: number }> {
  const totals = new Map<LoopStage, { stage: LoopStage; seconds: number; visits: number }>();
  for (const span of spans) {
    const total = totals.get(span.stage) ?? { stage: span.stage, seconds: 0, visits: 0 };
    total.seconds += span.seconds;
    total.visits += 1;
    totals.set(span.stage, total);
  }
  return [...totals.values()];
}
