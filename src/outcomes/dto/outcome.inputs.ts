import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { BlueprintRef } from '../../blueprints/dto/blueprint.inputs';
import { ReleaseOutcome } from '../release-outcome.entity';
import { OutcomeResult } from '../outcome.enums';
import { RELEASE_NAME } from '../../releases/dto/release.inputs';

@InputType()
export class RecordReleaseOutcomeInput extends BlueprintRef {
  @Field({ description: 'The release, such as Liberty.' })
  @Matches(RELEASE_NAME, { message: 'must be a release name such as Liberty' })
  release: string;

  @Field(() => OutcomeResult)
  @IsEnum(OutcomeResult)
  result: OutcomeResult;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  @MaxLength(2000)
  releaseNoteUrl?: string | null;
}

@ObjectType()
export class RecordReleaseOutcomePayload {
  @Field(() => ReleaseOutcome)
  outcome: ReleaseOutcome;
}
