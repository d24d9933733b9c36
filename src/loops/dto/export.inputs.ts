import { ArgsType, Field, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { LoopFilter, LoopOrder } from './loop.inputs';

export enum ExportFormat {
  MARKDOWN = 'MARKDOWN',
  JSON = 'JSON',
}

registerEnumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'The text an export is written as.',
  valuesMap: {
    MARKDOWN: { description: 'A document for people to read.' },
    JSON: { description: 'Indented JSON with stable field names, for programs.' },
  },
});

@ArgsType()
export class LoopsCsvArgs {
  @Field(() => LoopFilter, { nullable: true, description: 'Which loops; all of them when absent.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoopFilter)
  filter?: LoopFilter | null;

  @Field(() => LoopOrder, { nullable: true, description: 'The order of the lines; newest first when absent.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoopOrder)
  orderBy?: LoopOrder | null;
}
