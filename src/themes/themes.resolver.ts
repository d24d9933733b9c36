import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Role } from '../actors/role';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { Connection, ConnectionType } from '../common/pagination';
import { Release } from '../releases/release.entity';
import { ReleaseLoader } from '../releases/release.loader';
import { CreateThemeInput, FeedbackThemeLinkInput, FeedbackThemeLinkPayload, ThemePayload, ThemesArgs, UpdateThemeInput } from './dto/theme.inputs';
import { Theme } from './theme.entity';
import { ThemeLoader } from './theme.loader';
import { ThemesService } from './themes.service';

export const ThemeConnection = ConnectionType(Theme);

@Resolver(() => Theme)
export class ThemesResolver {
  constructor(
    private readonly themesService: ThemesService,
    private readonly themeLoader: ThemeLoader,
    private readonly actorLoader: ActorLoader,
    private readonly releaseLoader: ReleaseLoader,
  ) {}

  @Query(() => Theme, { nullable: true })
  @Allow(ANY_ROLE)
  theme(@Args('key') key: string): Promise<Theme | null> {
    return this.themesService.findByKey(key);
  }

  @Query(() => ThemeConnection)
  @Allow(ANY_ROLE)
  themes(@Args() args: ThemesArgs): Promise<Connection<Theme>> {
    return this.themesService.list(args);
  }

  @Mutation(() => ThemePayload)
  @Allow(Role.PRODUCT_MANAGER)
  async createTheme(@CurrentActor() by: Actor, @Args('input') input: CreateThemeInput): Promise<ThemePayload> {
    return { theme: await this.themesService.create(by, input) };
  }

  @Mutation(() => ThemePayload)
  @Allow(Role.PRODUCT_MANAGER)
  async updateTheme(@CurrentActor() by: Actor, @Args('input') input: UpdateThemeInput): Promise<ThemePayload> {
    return { theme: await this.themesService.update(by, input) };
  }

  @Mutation(() => FeedbackThemeLinkPayload)
  @Allow(Role.PRODUCT_MANAGER)
  linkFeedbackToTheme(@CurrentActor() by: Actor, @Args('input') input: FeedbackThemeLinkInput): Promise<FeedbackThemeLinkPayload> {
    return this.themesService.linkFeedback(by, input);
  }

  @Mutation(() => FeedbackThemeLinkPayload)
  @Allow(Role.PRODUCT_MANAGER)
  unlinkFeedbackFromTheme(@CurrentActor() by: Actor, @Args('input') input: FeedbackThemeLinkInput): Promise<FeedbackThemeLinkPayload> {
    return this.themesService.unlinkFeedback(by, input);
  }

  @ResolveField(() => Theme, { nullable: true })
  parent(@Parent() theme: Theme, @Context() context: object): Promise<Theme | null> {
    return this.themeLoader.load(context, theme.parentId);
  }

  @ResolveField(() => [Theme], { description: 'Every theme above this one, nearest first.' })
  ancestors(@Parent() theme: Theme, @Context() context: object): Promise<Theme[]> {
    return this.themeLoader.ancestors(context, theme);
  }

  @ResolveField(() => [Theme])
  children(@Parent() theme: Theme, @Context() context: object): Promise<Theme[]> {
    return this.themeLoader.children(context, theme.id);
  }

  @ResolveField(() => Actor, { nullable: true, description: 'The owning product manager.' })
  owner(@Parent() theme: Theme, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, theme.ownerId);
  }

  @ResolveField(() => Release, { nullable: true })
  targetRelease(@Parent() theme: Theme, @Context() context: object): Promise<Release | null> {
    return this.releaseLoader.load(context, theme.targetReleaseId);
  }
}
