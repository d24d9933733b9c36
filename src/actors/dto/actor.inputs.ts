import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Actor } from '../actor.entity';
import { ApiToken } from '../api-token.entity';
import { Role } from '../role';

@InputType()
export class CreateActorInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organization?: string | null;
}

@InputType()
export class IssueTokenInput {
  @Field()
  @IsEmail({}, { message: 'must be an email address' })
  actorEmail: string;

  @Field({ description: 'What the token is for, such as "forum importer".' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  label: string;
}

@InputType()
export class RevokeTokenInput {
  @Field(() => ID)
  @Matches(/^\d{1,15}$/, { message: 'must be the id of a token' })
  tokenId: string;
}

@ObjectType()
export class CreateActorPayload {
  @Field(() => Actor)
  actor: Actor;
}

@ObjectType()
export class IssueTokenPayload {
  @Field({ description: 'The secret. It is shown this once and stored only as a hash: keep it now.' })
  token: string;

  @Field(() => ApiToken)
  apiToken: ApiToken;
}

@ObjectType()
export class RevokeTokenPayload {
  @Field(() => ApiToken)
  apiToken: ApiToken;
}
