import { Args, Context, Field, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Role } from '../actors/role';
import { Allow, CurrentActor } from '../common/access';
import { numericId } from '../common/keys';
import { Connection, ConnectionType, PageArgs } from '../common/pagination';
import { FileEncoding, ImportRecordsInput } from './dto/import.models';
import { ImportJob } from './import-job.entity';
import { ImportJobs } from './import-jobs.service';
import { ImportService } from './import.service';

@ObjectType()
export class ImportFormat {
  @Field()
  format: string;

  @Field()
  description: string;
}

@ObjectType()
export class ImportRecordsPayload {
  @Field(() => ImportJob, { description: 'The import, queued: follow it with importJob or the importJobProgress subscription.' })
  job: ImportJob;
}

export const ImportJobConnection = ConnectionType(ImportJob);

const jobId = (id: string, field: string) => numericId(id, field, 'an import job');

@Resolver(() => ImportJob)
export class ImportersResolver {
  constructor(
    private readonly importService: ImportService,
    private readonly jobs: ImportJobs,
    private readonly actorLoader: ActorLoader,
  ) {}

  @Query(() => [ImportFormat], { description: 'The formats importRecords reads.' })
  @Allow(Role.ADMIN)
  importFormats(): ImportFormat[] {
    return this.importService.formats.map(({ format, description }) => ({ format, description }));
  }

  @Mutation(() => ImportRecordsPayload, {
    description:
      'Queues an import of files of one format, as the admin calling it, and returns its job at once; running it again with the same files changes nothing. Files too large for a GraphQL request go to POST /imports.',
  })
  @Allow(Role.ADMIN)
  async importRecords(@CurrentActor() by: Actor, @Args('input') input: ImportRecordsInput): Promise<ImportRecordsPayload> {
    const files = input.files.map((file) => ({
      name: file.name,
      content: Buffer.from(file.content, file.encoding === FileEncoding.BASE64 ? 'base64' : 'utf8'),
    }));
    return { job: await this.jobs.start(by, input.format, files, input.dryRun ?? false) };
  }

  @Query(() => ImportJob, { nullable: true, description: 'An import job: its status, progress and report so far.' })
  @Allow(Role.ADMIN)
  importJob(@Args('id', { type: () => ID }) id: string): Promise<ImportJob | null> {
    return this.jobs.byId(jobId(id, 'id'));
  }

  @Query(() => ImportJobConnection, { description: 'Every import job, newest first.' })
  @Allow(Role.ADMIN)
  importJobs(@Args() page: PageArgs): Promise<Connection<ImportJob>> {
    return this.jobs.list(page);
  }

  @Subscription(() => ImportJob, {
    description: 'The import job as it stands, then after each batch it applies, until it finishes.',
    resolve: (job: ImportJob) => job,
  })
  @Allow(Role.ADMIN)
  importJobProgress(@Args('id', { type: () => ID }) id: string): AsyncIterator<ImportJob> {
    return this.jobs.follow(jobId(id, 'id'));
  }

  @ResolveField(() => Actor, { description: 'The admin who asked for it.' })
  requestedBy(@Parent() job: ImportJob, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, job.requestedById);
  }
}
