import { ArgsType, Field, InputType, Int, IntersectionType, ObjectType, OmitType, PickType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { SLUG_PATTERN } from '../../common/keys';
import { PageArgs } from '../../common/pagination';
import { UpdateFieldsOf } from '../../common/update-fields';
import { FEEDBACK_KEY, FEEDBACK_KEY_MESSAGE } from '../../feedback/dto/feedback.inputs';
import { FeedbackItem } from '../../feedback/feedback-item.entity';
import { RELEASE_NAME } from '../../releases/dto/release.inputs';
import { THEME_KEY, THEME_KEY_MESSAGE } from '../../themes/dto/theme.inputs';
import { Theme } from '../../themes/theme.entity';
import { Blueprint } from '../blueprint.entity';
import { BlueprintPriority, DefinitionStatus, ImplementationStatus } from '../blueprint.enums';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const URL_MESSAGE = 'must be an http(s) URL';
const RELEASE_MESSAGE = 'must be a release name such as Pike';

@InputType({ isAbstract: true })
export abstract class BlueprintRef {
  @Field({ description: 'The project, such as nova.' })
  @Matches(SLUG_PATTERN, { message: 'must be a project name such as nova (letters, digits, . _ + -)' })
  project: string;

  @Field({ description: 'The blueprint name, unique within the project, such as maintenance-mode.' })
  @Matches(SLUG_PATTERN, { message: 'must be a blueprint name such as maintenance-mode (letters, digits, . _ + -)' })
  name: string;
}

@InputType()
export class CreateBlueprintInput extends BlueprintRef {
  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  title: string;

  @Field(() => String, { nullable: true, description: 'The Launchpad blueprint.' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000)
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000)
  specUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  gerritTopic?: string | null;

  @Field(() => BlueprintPriority, { nullable: true })
  @IsOptional()
  @IsEnum(BlueprintPriority)
  priority?: BlueprintPriority | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: RELEASE_MESSAGE })
  targetRelease?: string | null;

  @Field(() => DefinitionStatus, { nullable: true })
  @IsOptional()
  @IsEnum(DefinitionStatus)
  definitionStatus?: DefinitionStatus | null;

  @Field(() => ImplementationStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ImplementationStatus)
  implementationStatus?: ImplementationStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignee?: string | null;
}

@InputType()
export class UpdateBlueprintInput extends IntersectionType(
  PickType(CreateBlueprintInput, ['project', 'name']),
  UpdateFieldsOf(OmitType(CreateBlueprintInput, ['project', 'name'])),
) {
  @Field(() => Int, { nullable: true, description: 'The version you read; the edit is refused with CONFLICT if it changed since.' })
  @IsOptional()
  @IsInt()
  expectedVersion?: number | null;
}

@InputType()
export class BlueprintLinkInput extends BlueprintRef {
  @Field(() => String, { nullable: true, description: 'Link to this theme; give either themeKey or feedbackKey.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  themeKey?: string | null;

  @Field(() => String, { nullable: true, description: 'Link to this feedback item directly; give either themeKey or feedbackKey.' })
  @IsOptional()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  feedbackKey?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  rationale?: string | null;
}

@ObjectType()
export class BlueprintPayload {
  @Field(() => Blueprint)
  blueprint: Blueprint;
}

@ObjectType()
export class BlueprintLinkPayload {
  @Field(() => Blueprint)
  blueprint: Blueprint;

  @Field(() => Theme, { nullable: true })
  theme: Theme | null;

  @Field(() => FeedbackItem, { nullable: true })
  feedback: FeedbackItem | null;
}

@InputType()
export class BlueprintFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'must be a project name such as nova' })
  project?: string | null;

  @Field(() => DefinitionStatus, { nullable: true })
  @IsOptional()
  @IsEnum(DefinitionStatus)
  definitionStatus?: DefinitionStatus | null;

  @Field(() => ImplementationStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ImplementationStatus)
  implementationStatus?: ImplementationStatus | null;

  @Field(() => BlueprintPriority, { nullable: true })
  @IsOptional()
  @IsEnum(BlueprintPriority)
  priority?: BlueprintPriority | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: RELEASE_MESSAGE })
  targetRelease?: string | null;

  @Field(() => String, { nullable: true, description: 'Only blueprints linked to this theme.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  themeKey?: string | null;
}

@ArgsType()
export class BlueprintsArgs extends PageArgs {
  @Field(() => BlueprintFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => BlueprintFilter)
  filter?: BlueprintFilter | null;
}
