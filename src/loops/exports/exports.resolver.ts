import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../../actors/actor.entity';
import { Allow, ANY_ROLE, CurrentActor } from '../../common/access';
import { Cost } from '../../common/limits/cost.decorator';
import { Release } from '../../releases/release.entity';
import { ExportFormat, LoopsCsvArgs } from '../dto/export.inputs';
import { Loop } from '../models/loop.model';
import { LoopLoader } from '../loop.loader';
import { ExportsService, MAX_EXPORT_ROWS } from './exports.service';
import { LOOPS_CSV_HEADER } from './loops-csv';
import { traceJson, traceMarkdown } from './trace-text';

/** The exports as text, the same the command line prints. */
@Resolver(() => Loop)
export class LoopExportsResolver {
  constructor(
    private readonly loopLoader: LoopLoader,
    private readonly exportsService: ExportsService,
  ) {}

  @ResolveField(() => String, {
    description:
      'The trace as a Markdown document: the request, its stage and what it waits on, its themes, the blueprints per project with their outcomes, the time in each stage and the timeline.',
  })
  @Cost({ weight: 20 })
  async markdown(@Parent() loop: Loop, @CurrentActor() viewer: Actor, @Context() context: object): Promise<string> {
    return traceMarkdown(await this.loopLoader.trace(context, loop.item, viewer));
  }

  @ResolveField(() => String, {
    description: 'The trace as indented JSON text: the facts of this Loop under the same names where they share one, times in ISO 8601.',
  })
  @Cost({ weight: 20 })
  async json(@Parent() loop: Loop, @CurrentActor() viewer: Actor, @Context() context: object): Promise<string> {
    return traceJson(await this.loopLoader.trace(context, loop.item, viewer));
  }

  @Query(() => String, {
    description: `Every loop the filter selects as CSV (RFC 4180), not paged, with the header ${LOOPS_CSV_HEADER.join(',')}. At most ${MAX_EXPORT_ROWS} loops; a filter that selects more is refused as BAD_USER_INPUT.`,
  })
  @Allow(ANY_ROLE)
  @Cost({ weight: 10_000 })
  loopsCsv(@Args() args: LoopsCsvArgs, @CurrentActor() viewer: Actor): Promise<string> {
    return this.exportsService.loopsCsv(args.filter, args.orderBy, viewer);
  }
}

@Resolver(() => Release)
export class ReleaseReportResolver {
  constructor(private readonly exportsService: ExportsService) {}

  @ResolveField(() => String, {
    description: 'What this release did for the loops, per theme: those it closed (completed them) and those it moved (an outcome in it, or a target).',
  })
  @Cost({ weight: 500 })
  report(
    @Parent() release: Release,
    @Args('format', { type: () => ExportFormat, nullable: true, defaultValue: ExportFormat.MARKDOWN, description: 'Markdown for people, JSON for programs.' })
    format: ExportFormat | null,
  ): Promise<string> {
    return this.exportsService.release(release, format ?? ExportFormat.MARKDOWN);
  }
}
