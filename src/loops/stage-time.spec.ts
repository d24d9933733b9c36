import { LoopStage } from '../feedback/feedback.enums';
import { stageSpans, timeInStages } from './stage-time';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));

describe('time in stages', () => {
  it('splits the life of a loop into stays, the current one up to now', () => {
    const spans = stageSpans(at(1), [{ at: at(3), stage: LoopStage.TRIAGED }, { at: at(4), stage: LoopStage.THEMED }], at(10));
    expect(spans).toEqual([
      { stage: LoopStage.REQUESTED, enteredAt: at(1), leftAt: at(3), seconds: 2 * 86400 },
      { stage: LoopStage.TRIAGED, enteredAt: at(3), leftAt: at(4), seconds: 86400 },
      { stage: LoopStage.THEMED, enteredAt: at(4), leftAt: null, seconds: 6 * 86400 },
    ]);
  });

  it('adds up repeated stays in one stage', () => {
    const spans = stageSpans(
      at(1),
      [
        { at: at(2), stage: LoopStage.RELEASED },
        { at: at(3), stage: LoopStage.CLOSED },
        { at: at(5), stage: LoopStage.RELEASED },
        { at: at(6), stage: LoopStage.CLOSED },
      ],
      at(6),
    );
    expect(timeInStages(spans)).toEqual([
      { stage: LoopStage.REQUESTED, seconds: 86400, visits: 1 },
      { stage: LoopStage.RELEASED, seconds: 2 * 86400, visits: 2 },
      { stage: LoopStage.CLOSED, seconds: 2 * 86400, visits: 2 },
    ]);
  });
});
