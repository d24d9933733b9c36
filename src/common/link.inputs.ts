import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Why two records were linked or unlinked. */
@InputType({ isAbstract: true })
export abstract class RationaleInput {
  @Field(() => String, { nullable: true, description: 'Why: kept with the link, or with its removal, and in the history.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  rationale?: string | null;
}
