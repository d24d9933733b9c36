import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsEmail, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/pagination';
import { EVENT_TYPE_PATTERN } from '../event-catalogue';

const EVENT_TYPE_MESSAGE = 'each must be an event type such as loop.closed';

@InputType()
export class EventFilter {
  @Field(() => String, { nullable: true, description: 'Events about this record: FB-42, TH-7, nova/maintenance-mode, Pike, an email…' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  recordKey?: string | null;

  @Field(() => String, { nullable: true, description: "Events in this loop's timeline, including those that moved it from afar." })
  @IsOptional()
  @Matches(/^FB-\d{1,15}$/i, { message: 'must be a feedback key such as FB-42' })
  loopKey?: string | null;

  @Field(() => String, { nullable: true, description: 'Events caused by this actor.' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  actorEmail?: string | null;

  @Field(() => [String], { nullable: true, description: 'Event types, such as loop.closed.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: EVENT_TYPE_MESSAGE })
  types?: string[] | null;


  @Field(() => Date, { nullable: true, description: 'At or after this time.' })
  @IsOptional()
  @IsDate()
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this time.' })
  @IsOptional()
  @IsDate()
  until?: Date | null;
}

@ArgsType()
export class EventsArgs extends PageArgs {
  @Field(() => EventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => EventFilter)
  filter?: EventFilter | null;
}
