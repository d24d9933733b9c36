import { LoopStage } from '../feedback/feedback.enums';

export interface StageEntry {
  at: Date;
  stage: LoopStage;
}

export interface StageSpan {
  stage: LoopStage;
  enteredAt: Date;
  leftAt: Date | null;
  seconds: number;
}

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** The stays in each stage, from submission (REQUESTED) through each recorded stage change, up to now. */
export function stageSpans(submittedAt: Date, changes: StageEntry[], now: Date): StageSpan[] {
  const entries: StageEntry[] = [{ at: submittedAt, stage: LoopStage.REQUESTED }, ...changes];
  return entries.map((entry, index) => {
    const leftAt = entries[index + 1]?.at ?? null;
    return { stage: entry.stage, enteredAt: entry.at, leftAt, seconds: seconds(entry.at, leftAt ?? now) };
  });
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
