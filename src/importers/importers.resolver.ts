import { Args, Field, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { Role } from '../actors/role';
import { Allow, CurrentActor } from '../common/access';
import { FileEncoding, ImportRecordsInput, ImportReport } from './dto/import.models';
import { ImportService } from './import.service';

@ObjectType()
export class ImportFormat {
  @Field()
  format: string;

  @Field()
  description: string;
}

@Resolver()
export class ImportersResolver {
  constructor(private readonly importService: ImportService) {}

  @Query(() => [ImportFormat], { description: 'The formats importRecords reads.' })
  @Allow(Role.ADMIN)
  importFormats(): ImportFormat[] {
    return this.importService.formats.map(({ format, description }) => ({ format, description }));
  }

  @Mutation(() => ImportReport, {
    description: 'Imports records from files of one format, as the admin calling it; running it again with the same files changes nothing.',
  })
  @Allow(Role.ADMIN)
  importRecords(@CurrentActor() by: Actor, @Args('input') input: ImportRecordsInput): Promise<ImportReport> {
    const files = input.files.map((file) => ({
      name: file.name,
      content: Buffer.from(file.content, file.encoding === FileEncoding.BASE64 ? 'base64' : 'utf8'),
    }));
    return this.importService.run(by, input.format, files, { dryRun: input.dryRun ?? false });
  }
}
