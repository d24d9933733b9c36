import { ArgsType, Field, InputType, Int, ObjectType, OmitType, registerEnumType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsEmail,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { keyPattern, SLUG_PATTERN } from '../../common/keys';
import { OrderDirection, PageArgs } from '../../common/pagination';
import { UpdateFieldsOf } from '../../common/update-fields';
import { FeedbackItem } from '../feedback-item.entity';
import { FeedbackOrigin, LoopStage } from '../feedback.enums';

export const FEEDBACK_KEY = keyPattern('FB-');
export const FEEDBACK_KEY_MESSAGE = 'must be a feedback key such as FB-42';
const SLUG_MESSAGE = 'each must be a name such as nova or live-migration (letters, digits, . _ + -)';
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const URL_MESSAGE = 'must be an http(s) URL';

/** Tags and projects are compared in lower case, without a leading # (forum hashtags). */
const normalizeNames = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? [...new Set(value.map((item) => (typeof item === 'string' ? item.trim().replace(/^#+/, '').toLowerCase() : item)))] : value;

@InputType()
export class SubmitFeedbackInput {
  @Field({ description: 'A short statement of the request, 3 to 200 characters.' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  title: string;

  @Field({ nullable: true, defaultValue: '', description: 'The whole story: what hurts, what would help. At most 20000 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  body?: string;

  @Field(() => FeedbackOrigin)
  @IsEnum(FeedbackOrigin)
  origin: FeedbackOrigin;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organization?: string | null;

  @Field(() => String, { nullable: true, description: 'The release the submitter runs, such as Newton.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  releaseInUse?: string | null;

  @Field(() => [String], { nullable: true, description: 'Affected projects, such as nova or neutron; an update replaces the list.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @Transform(normalizeNames)
  @Matches(SLUG_PATTERN, { each: true, message: SLUG_MESSAGE })
  projects?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Tags such as upgrades; an update replaces the list.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @Transform(normalizeNames)
  @Matches(SLUG_PATTERN, { each: true, message: SLUG_MESSAGE })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Where the request was first written down.' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000)
  sourceUrl?: string | null;

  @Field(() => Int, { nullable: true, description: 'The line of sourceUrl, such as an etherpad line.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  sourceLine?: number | null;
}

@InputType()
export class UpdateFeedbackInput extends UpdateFieldsOf(OmitType(SubmitFeedbackInput, ['sourceLine'])) {
  @Field()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  key: string;

  @Field(() => Int, { nullable: true, description: 'The version you read; the edit is refused with CONFLICT if it changed since.' })
  @IsOptional()
  @IsInt()
  expectedVersion?: number | null;
}

@InputType()
export class VoteFeedbackInput {
  @Field()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  key: string;
}

@InputType()
export class TriageFeedbackInput {
  @Field()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  key: string;

  @Field(() => String, { nullable: true, description: 'Why it was accepted for consideration.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string | null;
}

@ObjectType()
export class FeedbackPayload {
  @Field(() => FeedbackItem)
  feedback: FeedbackItem;
}

@InputType()
export class FeedbackFilter {
  @Field(() => FeedbackOrigin, { nullable: true })
  @IsOptional()
  @IsEnum(FeedbackOrigin)
  origin?: FeedbackOrigin | null;

  @Field(() => LoopStage, { nullable: true })
  @IsOptional()
  @IsEnum(LoopStage)
  stage?: LoopStage | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'must be a project name such as nova' })
  project?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  tag?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  submitterEmail?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organization?: string | null;
}

export enum FeedbackOrderField {
  CREATED_AT = 'CREATED_AT',
  VOTES = 'VOTES',
  STAGE_ENTERED_AT = 'STAGE_ENTERED_AT',
  LAST_EVENT_AT = 'LAST_EVENT_AT',
}

registerEnumType(FeedbackOrderField, { name: 'FeedbackOrderField' });

@InputType()
export class FeedbackOrder {
  @Field(() => FeedbackOrderField, { defaultValue: FeedbackOrderField.CREATED_AT })
  @IsEnum(FeedbackOrderField)
  field: FeedbackOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  @IsEnum(OrderDirection)
  direction: OrderDirection;
}

@ArgsType()
export class FeedbackItemsArgs extends PageArgs {
  @Field(() => FeedbackFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeedbackFilter)
  filter?: FeedbackFilter | null;

  @Field(() => FeedbackOrder, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeedbackOrder)
  orderBy?: FeedbackOrder | null;
}
