import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsBoolean, IsEnum, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export enum FileEncoding {
  TEXT = 'TEXT',
  BASE64 = 'BASE64',
}

registerEnumType(FileEncoding, { name: 'FileEncoding' });

@InputType()
export class ImportFileInput {
  @Field({ description: 'The file name, for the report (and, for folders, to pick the format).' })
  @IsString()
  @MaxLength(500)
  name: string;

  @Field({ description: 'The content of the file: text, or base64 for bytes that are not UTF-8.' })
  @IsString()
  @MaxLength(20_000_000)
  content: string;

  @Field(() => FileEncoding, { defaultValue: FileEncoding.TEXT })
  @IsEnum(FileEncoding)
  encoding: FileEncoding;
}

@InputType()
export class ImportRecordsInput {
  @Field({ description: 'pwg-tracker, forum-tags, pwg-proposal or csv.' })
  @Matches(/^[a-z][a-z-]{1,40}$/, { message: 'must be an import format such as pwg-tracker' })
  format: string;

  @Field(() => [ImportFileInput])
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ImportFileInput)
  files: ImportFileInput[];

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Report what would happen, and write nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

@ObjectType()
export class ImportCount {
  @Field({ description: 'theme, blueprint or feedback.' })
  kind: string;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => Int)
  skipped: number;
}

@ObjectType({ description: 'Something that was not imported, or not all of it, and why.' })
export class ImportProblem {
  @Field()
  kind: string;

  @Field()
  file: string;

  @Field(() => Int, { nullable: true })
  line: number | null;

  @Field(() => String, { nullable: true, description: 'Where in a JSON file, such as tasks_status["Versioned Objects"].' })
  path: string | null;

  @Field()
  reason: string;
}

@ObjectType()
export class ImportedFile {
  @Field()
  name: string;

  @Field(() => Int, { description: 'Records read from the file.' })
  records: number;

  @Field(() => String, { nullable: true, description: 'Why nothing of the file was imported, when it could not be read.' })
  error: string | null;
}

@ObjectType({ description: 'What an import did (or, for a dry run, would do).' })
export class ImportReport {
  @Field()
  format: string;

  @Field()
  dryRun: boolean;

  @Field(() => [ImportedFile])
  files: ImportedFile[];

  @Field(() => [ImportCount])
  counts: ImportCount[];

  @Field(() => [ImportProblem], { description: 'Records skipped, each with its reason.' })
  skipped: ImportProblem[];

  @Field(() => [ImportProblem], { description: 'Records imported without a part of them (an unknown release, say).' })
  notes: ImportProblem[];
}
