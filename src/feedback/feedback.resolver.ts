import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Role } from '../actors/role';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { Connection, ConnectionType } from '../common/pagination';
import {
  FeedbackItemsArgs,
  FeedbackPayload,
  SubmitFeedbackInput,
  TriageFeedbackInput,
  UpdateFeedbackInput,
  VoteFeedbackInput,
} from './dto/feedback.inputs';
import { FeedbackItem } from './feedback-item.entity';
import { FeedbackLoader } from './feedback.loader';
import { FeedbackService } from './feedback.service';

export const FeedbackItemConnection = ConnectionType(FeedbackItem);

@Resolver(() => FeedbackItem)
export class FeedbackResolver {
  constructor(
    private readonly feedbackService: FeedbackService,
    private readonly feedbackLoader: FeedbackLoader,
    private readonly actorLoader: ActorLoader,
  ) {}

  @Query(() => FeedbackItem, { nullable: true })
  @Allow(ANY_ROLE)
  feedback(@Args('key') key: string): Promise<FeedbackItem | null> {
    return this.feedbackService.findByKey(key);
  }

  @Query(() => FeedbackItemConnection)
  @Allow(ANY_ROLE)
  feedbackItems(@Args() args: FeedbackItemsArgs): Promise<Connection<FeedbackItem>> {
    return this.feedbackService.list(args);
  }

  @Mutation(() => FeedbackPayload)
  @Allow(Role.OPERATOR, Role.USER, Role.PRODUCT_MANAGER)
  async submitFeedback(@CurrentActor() by: Actor, @Args('input') input: SubmitFeedbackInput): Promise<FeedbackPayload> {
    return { feedback: await this.feedbackService.submit(by, input) };
  }

  @Mutation(() => FeedbackPayload, { description: 'Submitters edit their own open feedback; product managers any.' })
  @Allow(Role.OPERATOR, Role.USER, Role.PRODUCT_MANAGER)
  async updateFeedback(@CurrentActor() by: Actor, @Args('input') input: UpdateFeedbackInput): Promise<FeedbackPayload> {
    return { feedback: await this.feedbackService.update(by, input) };
  }

  @Mutation(() => FeedbackPayload, { description: '+1: once per person, not on your own request.' })
  @Allow(Role.OPERATOR, Role.USER)
  async voteFeedback(@CurrentActor() by: Actor, @Args('input') input: VoteFeedbackInput): Promise<FeedbackPayload> {
    return { feedback: await this.feedbackService.vote(by, input.key) };
  }

  @Mutation(() => FeedbackPayload, { description: 'Accept the request for consideration.' })
  @Allow(Role.PRODUCT_MANAGER)
  async triageFeedback(@CurrentActor() by: Actor, @Args('input') input: TriageFeedbackInput): Promise<FeedbackPayload> {
    return { feedback: await this.feedbackService.triage(by, input.key, input.note) };
  }

  @ResolveField(() => Actor)
  submitter(@Parent() item: FeedbackItem, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, item.submitterId);
  }

  @ResolveField(() => Actor, { nullable: true })
  triagedBy(@Parent() item: FeedbackItem, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, item.triagedById);
  }

  @ResolveField(() => FeedbackItem, { nullable: true, description: 'The survivor this duplicate was merged into.' })
  mergedInto(@Parent() item: FeedbackItem, @Context() context: object): Promise<FeedbackItem | null> {
    return this.feedbackLoader.load(context, item.mergedIntoId);
  }

  @ResolveField(() => [String])
  async projects(@Parent() item: FeedbackItem, @Context() context: object): Promise<string[]> {
    return (await this.feedbackLoader.facets(context, item.id)).projects;
  }

  @ResolveField(() => [String])
  async tags(@Parent() item: FeedbackItem, @Context() context: object): Promise<string[]> {
    return (await this.feedbackLoader.facets(context, item.id)).tags;
  }

  @ResolveField(() => Boolean, { description: 'Whether the viewer voted for it.' })
  viewerHasVoted(@Parent() item: FeedbackItem, @CurrentActor() viewer: Actor, @Context() context: object): Promise<boolean> {
    return this.feedbackLoader.viewerHasVoted(context, viewer.id, item.id);
  }
}
