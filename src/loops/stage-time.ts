import { LoopStage } from '../feedback/feedback.enums';

/** A stay as the stage projector keeps it: the current one has no end and counts up to now. */
export interface StoredStay {
  stage: LoopStage;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number | null;
}

/** A stay with its length: the current one counted up to now. */
export interface TimedStay {
  stage: LoopStage;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number;
}

/** The stays of a loop, oldest first, with the current one counted up to now. */
export function timedStays(stays: StoredStay[], now: Date): TimedStay[] {
  return stays.map((stay) => ({
    stage: stay.stage,
    enteredAt: stay.enteredAt,
    leftAt: stay.leftAt,
    seconds: stay.seconds ?? Math.max(0, Math.round((now.getTime() - stay.enteredAt.getTime()) / 1000)),
  }));
}

/** Total time and number of stays per stage, in the order the stages were first entered. */
export function timeInStages(stays: TimedStay[]): Array<{ stage: LoopStage; seconds: number; stays: number }> {
  const totals = new Map<LoopStage, { stage: LoopStage; seconds: number; stays: number }>();
  for (const stay of stays) {
    const total = totals.get(stay.stage) ?? { stage: stay.stage, seconds: 0, stays: 0 };
    total.seconds += stay.seconds;
    total.stays += 1;
    totals.set(stay.stage, total);
  }
  return [...totals.values()];
}
