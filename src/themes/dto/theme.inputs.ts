import { ArgsType, Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEmail, IsEnum, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { keyPattern } from '../../common/keys';
import { RationaleInput } from '../../common/link.inputs';
import { PageArgs } from '../../common/pagination';
import { UpdateFieldsOf } from '../../common/update-fields';
import { FEEDBACK_KEY, FEEDBACK_KEY_MESSAGE } from '../../feedback/dto/feedback.inputs';
import { FeedbackItem } from '../../feedback/feedback-item.entity';
import { RELEASE_NAME } from '../../releases/dto/release.inputs';
import { Theme } from '../theme.entity';
import { ThemeKind, ThemeStatus } from '../theme.enums';

export const THEME_KEY = keyPattern('TH-');
export const THEME_KEY_MESSAGE = 'must be a theme key such as TH-7';
const RELEASE_MESSAGE = 'must be a release name such as Pike';
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

@InputType()
export class CreateThemeInput {
  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  title: string;

  @Field(() => ThemeKind, { defaultValue: ThemeKind.THEME })
  @IsEnum(ThemeKind)
  kind: ThemeKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'The theme this one sits under; it must be of a broader kind.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  parentKey?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: RELEASE_MESSAGE })
  targetRelease?: string | null;

  @Field(() => ThemeStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ThemeStatus)
  status?: ThemeStatus | null;

  @Field(() => String, { nullable: true, description: 'The owning product manager; a new theme is owned by whoever creates it unless this says otherwise.' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  ownerEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'The cross-project spec.' })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  @MaxLength(2000)
  specUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  gerritTopic?: string | null;

  @Field(() => [String], { nullable: true, description: 'Other links worth keeping (replaces the list).' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUrl(URL_OPTIONS, { each: true, message: 'each must be an http(s) URL' })
  links?: string[] | null;
}

@InputType()
export class UpdateThemeInput extends UpdateFieldsOf(CreateThemeInput) {
  @Field()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  key: string;

  @Field(() => Boolean, { nullable: true, description: 'Make it a root theme (no parent).' })
  @IsOptional()
  @IsBoolean()
  detachFromParent?: boolean | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  expectedVersion?: number | null;
}

@InputType()
export class FeedbackThemeLinkInput extends RationaleInput {
  @Field()
  @Matches(FEEDBACK_KEY, { message: FEEDBACK_KEY_MESSAGE })
  feedbackKey: string;

  @Field()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  themeKey: string;
}

@ObjectType()
export class ThemePayload {
  @Field(() => Theme)
  theme: Theme;
}

@ObjectType()
export class FeedbackThemeLinkPayload {
  @Field(() => FeedbackItem)
  feedback: FeedbackItem;

  @Field(() => Theme)
  theme: Theme;
}

@InputType()
export class ThemeFilter {
  @Field(() => ThemeKind, { nullable: true })
  @IsOptional()
  @IsEnum(ThemeKind)
  kind?: ThemeKind | null;

  @Field(() => ThemeStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ThemeStatus)
  status?: ThemeStatus | null;

  @Field(() => String, { nullable: true, description: 'Only the direct children of this theme.' })
  @IsOptional()
  @Matches(THEME_KEY, { message: THEME_KEY_MESSAGE })
  parentKey?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only themes without a parent.' })
  @IsOptional()
  @IsBoolean()
  rootsOnly?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: RELEASE_MESSAGE })
  targetRelease?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  ownerEmail?: string | null;
}

@ArgsType()
export class ThemesArgs extends PageArgs {
  @Field(() => ThemeFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThemeFilter)
  filter?: ThemeFilter | null;
}
