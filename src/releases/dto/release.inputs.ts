import { ArgsType, Field, InputType, Int, IntersectionType, ObjectType, OmitType, PickType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { PageArgs } from '../../common/pagination';
import { UpdateFieldsOf } from '../../common/update-fields';
import { Release } from '../release.entity';
import { ReleaseState } from '../release.enums';

export const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$/;
const RELEASE_NAME_MESSAGE = 'must be a release name such as Liberty or 2024.1 (letters, digits, space, dot, dash; at most 50)';
const DATE_MESSAGE = 'must be a date as YYYY-MM-DD';

/**
 * The largest position a release may be given: far past any release history,
 * and far enough below the largest integer a database column holds that the
 * position after it, which a new release takes by default, always fits.
 */
const MAX_SEQUENCE = 1_000_000;

@InputType()
export class CreateReleaseInput {
  @Field({ description: 'The release, such as Liberty or 2024.1.' })
  @Matches(RELEASE_NAME, { message: RELEASE_NAME_MESSAGE })
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: DATE_MESSAGE })
  startsOn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: DATE_MESSAGE })
  releasedOn?: string | null;

  @Field(() => ReleaseState, { nullable: true, defaultValue: ReleaseState.PLANNED })
  @IsOptional()
  @IsEnum(ReleaseState)
  state?: ReleaseState | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Position among releases: later releases have larger numbers. A new release comes after every release so far unless this says otherwise.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEQUENCE)
  sequence?: number | null;
}

@InputType()
export class UpdateReleaseInput extends IntersectionType(PickType(CreateReleaseInput, ['name']), UpdateFieldsOf(OmitType(CreateReleaseInput, ['name']))) {
  @Field(() => String, { nullable: true, description: 'A new name for the release named by name.' })
  @IsOptional()
  @Matches(RELEASE_NAME, { message: RELEASE_NAME_MESSAGE })
  rename?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  expectedVersion?: number | null;
}

@ObjectType()
export class ReleasePayload {
  @Field(() => Release)
  release: Release;
}

@ArgsType()
export class ReleasesArgs extends PageArgs {}
