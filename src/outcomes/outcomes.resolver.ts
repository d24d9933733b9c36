import { Args, Context, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Role } from '../actors/role';
import { Blueprint } from '../blueprints/blueprint.entity';
import { BlueprintLoader } from '../blueprints/blueprint.loader';
import { Allow, CurrentActor } from '../common/access';
import { RecordReleaseOutcomeInput, RecordReleaseOutcomePayload } from './dto/outcome.inputs';
import { OutcomeLoader } from './outcome.loader';
import { ReleaseOutcome } from './release-outcome.entity';
import { Release } from '../releases/release.entity';
import { ReleaseLoader } from '../releases/release.loader';
import { OutcomesService } from './outcomes.service';

@Resolver(() => ReleaseOutcome)
export class OutcomesResolver {
  constructor(
    private readonly outcomesService: OutcomesService,
    private readonly blueprintLoader: BlueprintLoader,
    private readonly releaseLoader: ReleaseLoader,
    private readonly actorLoader: ActorLoader,
  ) {}

  @Mutation(() => RecordReleaseOutcomePayload, { description: 'What a release did for a blueprint; moves the loops it answers.' })
  @Allow(Role.PRODUCT_MANAGER)
  async recordReleaseOutcome(@CurrentActor() by: Actor, @Args('input') input: RecordReleaseOutcomeInput): Promise<RecordReleaseOutcomePayload> {
    return { outcome: await this.outcomesService.record(by, input) };
  }

  @ResolveField(() => Blueprint)
  blueprint(@Parent() outcome: ReleaseOutcome, @Context() context: object): Promise<Blueprint | null> {
    return this.blueprintLoader.load(context, outcome.blueprintId);
  }

  @ResolveField(() => Release)
  release(@Parent() outcome: ReleaseOutcome, @Context() context: object): Promise<Release | null> {
    return this.releaseLoader.load(context, outcome.releaseId);
  }

  @ResolveField(() => Actor, { description: 'Who recorded it last.' })
  recordedBy(@Parent() outcome: ReleaseOutcome, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, outcome.recordedById);
  }
}

@Resolver(() => Blueprint)
export class BlueprintOutcomesResolver {
  constructor(private readonly outcomeLoader: OutcomeLoader) {}

  @ResolveField(() => [ReleaseOutcome], { description: 'What each release did for it.' })
  outcomes(@Parent() blueprint: Blueprint, @Context() context: object): Promise<ReleaseOutcome[]> {
    return this.outcomeLoader.ofBlueprint(context, blueprint.id);
  }
}

@Resolver(() => Release)
export class ReleaseOutcomesResolver {
  constructor(private readonly outcomeLoader: OutcomeLoader) {}

  @ResolveField(() => [ReleaseOutcome], { description: 'What this release did for each blueprint.' })
  outcomes(@Parent() release: Release, @Context() context: object): Promise<ReleaseOutcome[]> {
    return this.outcomeLoader.ofRelease(context, release.id);
  }
}
