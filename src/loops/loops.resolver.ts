import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Blueprint } from '../blueprints/blueprint.entity';
import { Role } from '../actors/role';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { Clock } from '../common/clock';
import { Connection, ConnectionType, mapConnection, PageArgs } from '../common/pagination';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { LoopStage } from '../feedback/feedback.enums';
import { FeedbackService } from '../feedback/feedback.service';
import { FeedbackLoader } from '../feedback/feedback.loader';
import { EventConnection } from './events.resolver';
import { LoopEvent } from '../history/loop-event.entity';
import { Release } from '../releases/release.entity';
import { ReleaseLoader } from '../releases/release.loader';
import { Theme } from '../themes/theme.entity';
import { ThemeLoader } from '../themes/theme.loader';
import { CloseLoopInput, LoopsArgs, MergeFeedbackInput, ReopenLoopInput, VerifyClosureInput } from './dto/loop.inputs';
import { LoopLoader } from './loop.loader';
import { LoopsService } from './loops.service';
import {
  AnsweringBlueprint,
  Loop,
  LoopClosure,
  LoopPayload,
  LoopProject,
  LoopStageTime,
  LoopTheme,
  LoopVerification,
  MergeFeedbackPayload,
  TimedStageStay,
} from './models/loop.model';
import { answerState, closureOf, perProject, verificationOf } from './loop-view';
import { deriveStage } from './stage';
import { timedStays, timeInStages } from './stage-time';
import { LoopStateStore } from './loop-state';

export const LoopConnection = ConnectionType(Loop);

const toLoops = (connection: Connection<FeedbackItem>): Connection<Loop> => mapConnection(connection, (item) => new Loop(item));

@Resolver(() => Loop)
export class LoopsResolver {
  constructor(
    private readonly loopsService: LoopsService,
    private readonly feedbackService: FeedbackService,
    private readonly loopLoader: LoopLoader,
    private readonly feedbackLoader: FeedbackLoader,
    private readonly themeLoader: ThemeLoader,
    private readonly releaseLoader: ReleaseLoader,
    private readonly clock: Clock,
    private readonly loopState: LoopStateStore,
  ) {}

  @Query(() => Loop, { nullable: true, description: "The trace of one feedback item's loop." })
  @Allow(ANY_ROLE)
  async loop(@Args('key') key: string): Promise<Loop | null> {
    const item = await this.feedbackService.findByKey(key);
    return item ? new Loop(item) : null;
  }

  @Query(() => LoopConnection)
  @Allow(ANY_ROLE)
  async loops(@Args() args: LoopsArgs): Promise<Connection<Loop>> {
    return toLoops(await this.loopsService.list(args));
  }

  @Mutation(() => LoopPayload, { description: 'Close a loop with a resolution and a note for the requester.' })
  @Allow(Role.PRODUCT_MANAGER)
  async closeLoop(@CurrentActor() by: Actor, @Args('input') input: CloseLoopInput): Promise<LoopPayload> {
    return { loop: new Loop(await this.loopsService.close(by, input)) };
  }

  @Mutation(() => LoopPayload, { description: 'The submitter confirms the closure, or disputes it, which reopens the loop.' })
  @Allow(ANY_ROLE)
  async verifyClosure(@CurrentActor() by: Actor, @Args('input') input: VerifyClosureInput): Promise<LoopPayload> {
    return { loop: new Loop(await this.loopsService.verify(by, input.key, input.verdict, input.note)) };
  }

  @Mutation(() => LoopPayload)
  @Allow(Role.PRODUCT_MANAGER)
  async reopenLoop(@CurrentActor() by: Actor, @Args('input') input: ReopenLoopInput): Promise<LoopPayload> {
    return { loop: new Loop(await this.loopsService.reopen(by, input.key, input.note)) };
  }

  @Mutation(() => MergeFeedbackPayload, { description: 'Merge a duplicate into its survivor: votes and links move, the duplicate closes as DUPLICATE.' })
  @Allow(Role.PRODUCT_MANAGER)
  mergeFeedback(@CurrentActor() by: Actor, @Args('input') input: MergeFeedbackInput): Promise<MergeFeedbackPayload> {
    return this.loopsService.merge(by, input);
  }

  @ResolveField(() => FeedbackItem, { description: 'The request itself.' })
  feedback(@Parent() loop: Loop): FeedbackItem {
    return loop.item;
  }

  @ResolveField(() => [LoopTheme], { description: 'The themes it is linked to (each with its parents through Theme.ancestors).' })
  async themes(@Parent() loop: Loop, @Context() context: object): Promise<LoopTheme[]> {
    const { themeLinks } = await this.loopLoader.record(context, loop.item);
    const themes = await Promise.all(themeLinks.map((link) => this.themeLoader.load(context, link.themeId)));
    return themeLinks.map((link, index) => ({ theme: themes[index]!, rationale: link.rationale, linkedAt: link.linkedAt, linkedById: link.linkedById }));
  }

  @ResolveField(() => [AnsweringBlueprint], { description: 'Every blueprint that answers it, directly or through a theme.' })
  async blueprints(@Parent() loop: Loop, @Context() context: object): Promise<AnsweringBlueprint[]> {
    const { routes } = await this.loopLoader.record(context, loop.item);
    return Promise.all(
      routes.map(async (route) => ({
        blueprint: route.blueprint,
        direct: route.direct,
        viaThemes: await this.themeLoader.loadMany(context, route.viaThemeIds),
        outcomes: route.outcomes,
        ...answerState(route),
      })),
    );
  }

  @ResolveField(() => [LoopProject], { description: 'The answering blueprints, per project.' })
  async projects(@Parent() loop: Loop, @Context() context: object): Promise<LoopProject[]> {
    return perProject(await this.blueprints(loop, context), (answer) => answer.blueprint.project);
  }

  @ResolveField(() => [String], { description: 'What it waits on now, such as "nova blueprint X not started, target Pike".' })
  async waitingOn(@Parent() loop: Loop, @Context() context: object): Promise<string[]> {
    return deriveStage((await this.loopLoader.record(context, loop.item)).facts).waitingOn;
  }

  @ResolveField(() => [LoopStageTime], { description: 'Time spent in each stage it has been in, in the order first entered.' })
  async stages(@Parent() loop: Loop, @Context() context: object): Promise<LoopStageTime[]> {
    return timeInStages(await this.stageHistory(loop, context));
  }

  @ResolveField(() => [TimedStageStay], { description: 'Each stay in a stage, oldest first.' })
  async stageHistory(@Parent() loop: Loop, @Context() context: object): Promise<TimedStageStay[]> {
    return timedStays(await this.loopLoader.stays(context, loop.item.id), this.clock.now());
  }

  @ResolveField(() => EventConnection, { description: 'Everything that happened to this loop, oldest first.' })
  timeline(@Parent() loop: Loop, @Args() page: PageArgs, @Context() context: object): Promise<Connection<LoopEvent>> {
    return this.loopLoader.timeline(context, loop.item.id, page);
  }

  @ResolveField(() => LoopClosure, { nullable: true })
  closure(@Parent() loop: Loop): LoopClosure | null {
    return closureOf(loop.item);
  }

  @ResolveField(() => LoopVerification, { nullable: true })
  verification(@Parent() loop: Loop): LoopVerification | null {
    return verificationOf(loop.item);
  }

  @ResolveField(() => FeedbackItem, { nullable: true, description: 'For a merged duplicate: the survivor, where its loop goes on.' })
  duplicateOf(@Parent() loop: Loop, @Context() context: object): Promise<FeedbackItem | null> {
    return this.feedbackLoader.load(context, loop.item.mergedIntoId);
  }

  @ResolveField(() => Release, { nullable: true, description: 'The release whose delivery completed it, once every blueprint is delivered.' })
  completedIn(@Parent() loop: Loop, @Context() context: object): Promise<Release | null> {
    return this.releaseLoader.load(context, loop.item.completedInReleaseId);
  }

  @ResolveField(() => Date, { nullable: true, description: 'When this open loop stalled: it has had no event since that many days (STALL_DAYS).' })
  stalledSince(@Parent() loop: Loop): Date | null {
    return this.loopState.stalledSince(loop.item);
  }

  @ResolveField(() => Boolean)
  open(@Parent() loop: Loop): boolean {
    return loop.item.stage !== LoopStage.CLOSED;
  }
}

@Resolver(() => LoopStageTime)
export class LoopStageTimeResolver {
  @ResolveField(() => Int, { deprecationReason: 'Use stays.', description: 'The number of stays, under its former name.' })
  visits(@Parent() time: LoopStageTime): number {
    return time.stays;
  }
}

@Resolver(() => LoopTheme)
export class LoopThemeResolver {
  constructor(private readonly actorLoader: ActorLoader) {}

  @ResolveField(() => Actor)
  linkedBy(@Parent() link: LoopTheme, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, link.linkedById);
  }
}

@Resolver(() => LoopClosure)
export class LoopClosureResolver {
  constructor(private readonly actorLoader: ActorLoader) {}

  @ResolveField(() => Actor, { nullable: true })
  closedBy(@Parent() closure: LoopClosure, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, closure.closedById);
  }
}

@Resolver(() => LoopEvent)
export class LoopEventResolver {
  constructor(private readonly actorLoader: ActorLoader) {}

  @ResolveField(() => Actor, { nullable: true, description: 'Who did it; null for the service itself.' })
  actor(@Parent() event: LoopEvent, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, event.actorId);
  }
}

/** The reverse directions: from a request, a theme, a blueprint or a release to its loops. */
@Resolver(() => FeedbackItem)
export class FeedbackLoopResolver {
  @ResolveField(() => Loop, { description: 'The loop this request started.' })
  loop(@Parent() item: FeedbackItem): Loop {
    return new Loop(item);
  }
}

@Resolver(() => Theme)
export class ThemeLoopsResolver {
  constructor(private readonly loopsService: LoopsService) {}

  @ResolveField(() => LoopConnection, { description: 'The loops linked to this theme or to one of its sub-themes.' })
  async loops(@Parent() theme: Theme, @Args() page: PageArgs): Promise<Connection<Loop>> {
    return toLoops(await this.loopsService.ofTheme(theme.id, page));
  }
}

@Resolver(() => Blueprint)
export class BlueprintRequestsResolver {
  constructor(private readonly loopsService: LoopsService) {}

  @ResolveField(() => LoopConnection, {
    description: 'Who asked for this work: the loops it answers, directly or through a theme. Work with no requester is velocity without a loop.',
  })
  async requests(@Parent() blueprint: Blueprint, @Args() page: PageArgs): Promise<Connection<Loop>> {
    return toLoops(await this.loopsService.requestsOf(blueprint.id, page));
  }
}

@Resolver(() => Release)
export class ReleaseLoopsResolver {
  constructor(private readonly loopsService: LoopsService) {}

  @ResolveField(() => LoopConnection, {
    description: 'The loops this release completed: every blueprint answering them delivered, the last one in this release.',
  })
  async closedLoops(@Parent() release: Release, @Args() page: PageArgs): Promise<Connection<Loop>> {
    return toLoops(await this.loopsService.closedBy(release.id, page));
  }
}
