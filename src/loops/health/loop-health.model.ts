import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { Blueprint } from '../../blueprints/blueprint.entity';
import { LoopStage } from '../../feedback/feedback.enums';
import { Release } from '../../releases/release.entity';
import { Theme } from '../../themes/theme.entity';

@ObjectType({ description: 'How many loops stand at one stage.' })
export class StageCount {
  @Field(() => LoopStage)
  stage: LoopStage;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: 'A duration over many loops: the median and the 90th percentile (nearest rank), in seconds.' })
export class DurationSummary {
  @Field(() => Int, { description: 'How many durations the figures are drawn from.' })
  samples: number;

  @Field(() => Int, { nullable: true, description: 'Null when there are no samples.' })
  medianSeconds: number | null;

  @Field(() => Int, { nullable: true })
  p90Seconds: number | null;
}

@ObjectType({ description: 'How long loops stay in one stage: completed stays only.' })
export class StageDuration extends DurationSummary {
  @Field(() => LoopStage)
  stage: LoopStage;
}

@ObjectType({ description: 'Requests still waiting for triage, by how long they have waited.' })
export class AgeBucket {
  @Field({ description: 'Such as "7–30 days".' })
  label: string;

  @Field(() => Int)
  minDays: number;

  @Field(() => Int, { nullable: true, description: 'Null for the open-ended last bucket.' })
  maxDays: number | null;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: "One release's share in closing loops." })
export class ReleaseClosure {
  @Field(() => Release)
  release: Release;

  @Field(() => Int, { description: 'Loops a blueprint answering them targets this release or has an outcome in it.' })
  touched: number;

  @Field(() => Int, { description: 'Loops this release completed: every blueprint delivered, the last here.' })
  closed: number;

  @Field(() => Float, { description: 'closed / touched, from 0 to 1.' })
  rate: number;
}

@ObjectType({ description: "The health of the loop, for product managers: is the loop turning, and where does it stick?" })
export class LoopHealth {
  @Field(() => Int, { description: 'Loops in the slice.' })
  total: number;

  @Field(() => [StageCount], { description: 'The funnel: loops per stage, every stage listed.' })
  funnel: StageCount[];

  @Field(() => [StageDuration], { description: 'Time spent in each stage, over the stays that have ended.' })
  timeInStage: StageDuration[];

  @Field(() => DurationSummary, { description: 'From request to closure, over closed loops (merged duplicates left out).' })
  requestToClosure: DurationSummary;

  @Field(() => Int, { description: 'Open loops with no event for stalledDays days or more.' })
  stalled: number;

  @Field(() => Int)
  stalledDays: number;

  @Field(() => [AgeBucket], { description: 'Untriaged requests (stage REQUESTED) by age.' })
  untriagedByAge: AgeBucket[];

  @Field(() => Int, { description: 'Blueprints (not obsolete or superseded) that answer no request: velocity without a loop.' })
  blueprintsWithoutRequest: number;

  @Field(() => [Blueprint], { description: 'The first of them, by project and name.' })
  blueprintsWithoutRequestSample: Blueprint[];

  @Field(() => Int, { description: 'Themes (not archived) with no blueprint linked to them or to a theme under them.' })
  themesWithoutBlueprint: number;

  @Field(() => [Theme], { description: 'The first of them, by key.' })
  themesWithoutBlueprintSample: Theme[];

  @Field(() => [ReleaseClosure], { description: 'Closure per release, in release order.' })
  closureByRelease: ReleaseClosure[];
}
