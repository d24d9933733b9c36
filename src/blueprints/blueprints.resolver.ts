import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { Role } from '../actors/role';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { Connection, ConnectionType } from '../common/pagination';
import { Release } from '../releases/release.entity';
import { ReleaseLoader } from '../releases/release.loader';
import { Theme } from '../themes/theme.entity';
import { ThemeLoader } from '../themes/theme.loader';
import { Blueprint } from './blueprint.entity';
import { BlueprintLoader } from './blueprint.loader';
import { BlueprintsService } from './blueprints.service';
import {
  BlueprintLinkInput,
  BlueprintLinkPayload,
  BlueprintPayload,
  BlueprintsArgs,
  CreateBlueprintInput,
  UpdateBlueprintInput,
} from './dto/blueprint.inputs';

export const BlueprintConnection = ConnectionType(Blueprint);

@Resolver(() => Blueprint)
export class BlueprintsResolver {
  constructor(
    private readonly blueprintsService: BlueprintsService,
    private readonly blueprintLoader: BlueprintLoader,
    private readonly themeLoader: ThemeLoader,
    private readonly releaseLoader: ReleaseLoader,
  ) {}

  @Query(() => Blueprint, { nullable: true })
  @Allow(ANY_ROLE)
  blueprint(@Args('project') project: string, @Args('name') name: string): Promise<Blueprint | null> {
    return this.blueprintsService.findByName(project, name);
  }

  @Query(() => BlueprintConnection)
  @Allow(ANY_ROLE)
  blueprints(@Args() args: BlueprintsArgs): Promise<Connection<Blueprint>> {
    return this.blueprintsService.list(args);
  }

  @Mutation(() => BlueprintPayload)
  @Allow(Role.TECH_LEAD)
  async createBlueprint(@CurrentActor() by: Actor, @Args('input') input: CreateBlueprintInput): Promise<BlueprintPayload> {
    return { blueprint: await this.blueprintsService.create(by, input) };
  }

  @Mutation(() => BlueprintPayload, { description: 'A status change moves every loop the blueprint answers.' })
  @Allow(Role.TECH_LEAD)
  async updateBlueprint(@CurrentActor() by: Actor, @Args('input') input: UpdateBlueprintInput): Promise<BlueprintPayload> {
    return { blueprint: await this.blueprintsService.update(by, input) };
  }

  @Mutation(() => BlueprintLinkPayload, { description: 'Link a blueprint to a theme or, directly, to a feedback item.' })
  @Allow(Role.TECH_LEAD)
  linkBlueprint(@CurrentActor() by: Actor, @Args('input') input: BlueprintLinkInput): Promise<BlueprintLinkPayload> {
    return this.blueprintsService.link(by, input);
  }

  @Mutation(() => BlueprintLinkPayload)
  @Allow(Role.TECH_LEAD)
  unlinkBlueprint(@CurrentActor() by: Actor, @Args('input') input: BlueprintLinkInput): Promise<BlueprintLinkPayload> {
    return this.blueprintsService.unlink(by, input);
  }

  @ResolveField(() => Release, { nullable: true })
  targetRelease(@Parent() blueprint: Blueprint, @Context() context: object): Promise<Release | null> {
    return this.releaseLoader.load(context, blueprint.targetReleaseId);
  }

  @ResolveField(() => [Theme], { description: 'The themes it is linked to.' })
  async themes(@Parent() blueprint: Blueprint, @Context() context: object): Promise<Theme[]> {
    const links = await this.blueprintLoader.themeLinks(context, blueprint.id);
    return this.themeLoader.loadMany(context, links.map((link) => link.themeId));
  }
}

@Resolver(() => Theme)
export class ThemeBlueprintsResolver {
  constructor(private readonly blueprintLoader: BlueprintLoader) {}

  @ResolveField(() => [Blueprint], { description: 'The blueprints linked to this theme.' })
  async blueprints(@Parent() theme: Theme, @Context() context: object): Promise<Blueprint[]> {
    const links = await this.blueprintLoader.linksToTheme(context, theme.id);
    return this.blueprintLoader.loadMany(context, links.map((link) => link.blueprintId));
  }
}
