import { LoopStage } from '../feedback/feedback.enums';
import { timedStays, timeInStages } from './stage-time';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const DAY = 86400;

describe('time in stages', () => {
  it('counts the current stay up to now, and takes the others as kept', () => {
    const stays = timedStays(
      [
        { stage: LoopStage.REQUESTED, enteredAt: at(1), leftAt: at(3), seconds: 2 * DAY },
        { stage: LoopStage.TRIAGED, enteredAt: at(3), leftAt: at(4), seconds: DAY },
        { stage: LoopStage.THEMED, enteredAt: at(4), leftAt: null, seconds: null },
      ],
      at(10),
    );
    expect(stays).toEqual([
      { stage: LoopStage.REQUESTED, enteredAt: at(1), leftAt: at(3), seconds: 2 * DAY },
      { stage: LoopStage.TRIAGED, enteredAt: at(3), leftAt: at(4), seconds: DAY },
      { stage: LoopStage.THEMED, enteredAt: at(4), leftAt: null, seconds: 6 * DAY },
    ]);
  });

  it('adds up repeated stays in one stage', () => {
    const stay = (stage: LoopStage, from: number, to: number) => ({ stage, enteredAt: at(from), leftAt: at(to), seconds: (to - from) * DAY });
    const stays = timedStays(
      [
        stay(LoopStage.REQUESTED, 1, 2),
        stay(LoopStage.RELEASED, 2, 3),
        stay(LoopStage.CLOSED, 3, 5),
        stay(LoopStage.RELEASED, 5, 6),
        { stage: LoopStage.CLOSED, enteredAt: at(6), leftAt: null, seconds: null },
      ],
      at(6),
    );
    expect(timeInStages(stays)).toEqual([
      { stage: LoopStage.REQUESTED, seconds: DAY, stays: 1 },
      { stage: LoopStage.RELEASED, seconds: 2 * DAY, stays: 2 },
      { stage: LoopStage.CLOSED, seconds: 2 * DAY, stays: 2 },
    ]);
  });
});
