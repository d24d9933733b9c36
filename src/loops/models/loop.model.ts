import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Blueprint } from '../../blueprints/blueprint.entity';
import { FeedbackItem } from '../../feedback/feedback-item.entity';
import { LoopStage, Resolution, Verdict } from '../../feedback/feedback.enums';
import { ReleaseOutcome } from '../../outcomes/release-outcome.entity';
import { Theme } from '../../themes/theme.entity';
import { TimedStay } from '../stage-time';

/** The trace of one feedback item's loop. Computed from the item, its links and outcomes; not stored as such. */
@ObjectType({ description: "The trace of one feedback item's loop, from the request to its closure." })
export class Loop {
  constructor(readonly item: FeedbackItem) {}

  @Field({ description: 'The key of the feedback item that started it, such as FB-42.' })
  get key(): string {
    return this.item.key;
  }

  @Field(() => LoopStage)
  get stage(): LoopStage {
    return this.item.stage;
  }

  @Field()
  get stageEnteredAt(): Date {
    return this.item.stageEnteredAt;
  }

  @Field({ description: 'When the last event touching this loop happened.' })
  get lastEventAt(): Date {
    return this.item.lastEventAt;
  }

  @Field(() => Resolution, { nullable: true, description: 'The resolution of the closure in force.' })
  get resolution(): Resolution | null {
    return this.item.resolution;
  }
}

@ObjectType({ description: 'A theme the loop is linked to.' })
export class LoopTheme {
  @Field(() => Theme)
  theme: Theme;

  @Field(() => String, { nullable: true })
  rationale: string | null;

  @Field()
  linkedAt: Date;

  linkedById: number;
}

@ObjectType({ description: 'A blueprint that answers the loop, and how.' })
export class AnsweringBlueprint {
  @Field(() => Blueprint)
  blueprint: Blueprint;

  @Field({ description: 'Linked to the feedback item itself.' })
  direct: boolean;

  @Field(() => [Theme], { description: 'The themes it came through: themes of the loop, or their sub-themes.' })
  viaThemes: Theme[];

  @Field(() => [ReleaseOutcome])
  outcomes: ReleaseOutcome[];

  @Field({ description: 'False for obsolete or superseded blueprints, which answer nothing any more.' })
  counts: boolean;

  @Field({ description: 'A release delivered it (PARTIAL does not count).' })
  delivered: boolean;
}

@ObjectType({ description: "One project's share of the answer." })
export class LoopProject {
  @Field()
  project: string;

  @Field(() => [AnsweringBlueprint])
  blueprints: AnsweringBlueprint[];

  @Field({ description: 'Every counted blueprint of this project was delivered.' })
  delivered: boolean;
}

@ObjectType({ description: 'How long the loop spent in one stage, over all its stays in it.' })
export class LoopStageTime {
  @Field(() => LoopStage)
  stage: LoopStage;

  @Field(() => Int, { description: 'Seconds in this stage; the current stage counts up to now.' })
  seconds: number;

  @Field(() => Int, { description: 'How many stays the loop has had in this stage.' })
  stays: number;
}

/** A stay as the API shows it, its length counted up to now while it lasts; the stored row is the entity LoopStageStay. */
@ObjectType('LoopStageStay', { description: 'One stay in one stage.' })
export class TimedStageStay implements TimedStay {
  @Field(() => LoopStage)
  stage: LoopStage;

  @Field()
  enteredAt: Date;

  @Field(() => Date, { nullable: true, description: 'Null for the current stage.' })
  leftAt: Date | null;

  @Field(() => Int)
  seconds: number;
}

@ObjectType({ description: 'The closure in force.' })
export class LoopClosure {
  @Field(() => Resolution)
  resolution: Resolution;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field()
  closedAt: Date;

  closedById: number | null;
}

@ObjectType({ description: "The requester's answer to the latest closure." })
export class LoopVerification {
  @Field(() => Verdict)
  verdict: Verdict;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field()
  verifiedAt: Date;

  verifiedById: number;
}

@ObjectType()
export class LoopPayload {
  @Field(() => Loop)
  loop: Loop;
}

@ObjectType()
export class MergeFeedbackPayload {
  @Field(() => FeedbackItem, { description: 'The duplicate, now closed as DUPLICATE.' })
  duplicate: FeedbackItem;

  @Field(() => FeedbackItem, { description: 'The survivor, with the votes and links of the duplicate.' })
  survivor: FeedbackItem;
}
