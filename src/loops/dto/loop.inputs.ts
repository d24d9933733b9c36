import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEmail, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SLUG_PATTERN } from '../../common/keys';
import { PageArgs } from '../../common/pagination';
import { EVENT_FAMILY_PATTERN } from '../../history/event-catalogue';
import { FEEDBACK_KEY, FEEDBACK_KEY_MESSAGE, FeedbackOrder } from '../../feedback/dto/feedback.inputs';
import { FeedbackOrigin, LoopStage, Resolution, Verdict } from '../../feedback/feedback.enums';
import { RELEASE_NAME } from '../../releases/dto/release.inputs';
import { THEME_KEY, THEME_KEY_MESSAGE } from '../../themes/dto/theme.inputs';

@InputType({ isAbstract: true })
abstract class LoopKeyInput {
  @Field({ description: 'The feedback key of the loop, such as FB-42.' })
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  key: string;
}

@InputType()
export class CloseLoopInput extends LoopKeyInput {
  @Field(() => Resolution, { description: 'DUPLICATE is set by mergeFeedback, not here.' })
  @IsEnum(Resolution)
  resolution: Resolution;

  @Field({ description: 'What was done and why: the requester reads it.' })
  @IsString()
  @IsNotEmpty({ message: 'must say what was done and why' })
  @MaxLength(5000)
  note: string;
}

@InputType()
export class VerifyClosureInput extends LoopKeyInput {
  @Field(() => Verdict, { description: 'CONFIRMED keeps it closed; DISPUTED reopens it.' })
  @IsEnum(Verdict)
  verdict: Verdict;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string | null;
}

@InputType()
export class ReopenLoopInput extends LoopKeyInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'must say why it reopens' })
  @MaxLength(5000)
  note: string;
}

@InputType()
export class MergeFeedbackInput {
  @Field({ description: 'The duplicate: it closes as DUPLICATE, its votes and links move to the survivor.' })
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  duplicateKey: string;

  @Field()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  survivorKey: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string | null;
}

@InputType()
export class LoopFilter {
  @Field(() => LoopStage, { nullable: true })
  @IsOptional()
  @IsEnum(LoopStage)
  stage?: LoopStage | null;

  @Field(() => FeedbackOrigin, { nullable: true })
  @IsOptional()
  @IsEnum(FeedbackOrigin)
  origin?: FeedbackOrigin | null;

  @Field(() => String, { nullable: true, description: 'Loops that name this project or that a blueprint of this project answers.' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'must be a project name such as nova' })
  project?: string | null;

  @Field(() => String, { nullable: true, description: 'Loops linked to this theme or to one of its sub-themes.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  themeKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Loops this release touches: a blueprint answering them targets it or has an outcome in it, or it completed them.',
  })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: 'must be a release name such as Pike' })
  release?: string | null;

  @Field(() => Int, { nullable: true, description: 'Open loops with no event for at least this many days.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(36500)
  stalledForDays?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  submitterEmail?: string | null;
}

/** Loops order as the feedback items that start them. */
@InputType()
export class LoopOrder extends FeedbackOrder {}

@ArgsType()
export class LoopsArgs extends PageArgs {
  @Field(() => LoopFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoopFilter)
  filter?: LoopFilter | null;

  @Field(() => LoopOrder, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoopOrder)
  orderBy?: LoopOrder | null;
}

@InputType({ description: 'Which live events to receive; every given condition must hold.' })
export class LoopEventFilter {
  @Field(() => String, { nullable: true, description: 'Events in the timeline of this loop.' })
  @IsOptional()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  loopKey?: string | null;

  @Field(() => String, { nullable: true, description: 'Events about this theme (or a sub-theme) or about loops linked to it.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  themeKey?: string | null;

  @Field(() => String, { nullable: true, description: "Events about this project's blueprints or about loops that concern the project." })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'must be a project name such as nova' })
  project?: string | null;

  @Field(() => [String], { nullable: true, description: 'Event types such as loop.closed; a type ending in .* takes the whole family (loop.*).' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(EVENT_FAMILY_PATTERN, { each: true, message: 'each must be an event type such as loop.closed or loop.*' })
  types?: string[] | null;
}
