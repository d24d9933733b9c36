import { Args, Context, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { ForbiddenError } from '../common/errors';
import { numericId } from '../common/keys';
import { Connection, ConnectionType } from '../common/pagination';
import { FeedbackLoader } from '../feedback/feedback.loader';
import { Loop } from '../loops/models/loop.model';
import { MarkNotificationsReadInput, MarkNotificationsReadPayload, NotificationsArgs } from './dto/notification.inputs';
import { Notification } from './notification.entity';
import { NotificationsService } from './notifications.service';

export const NotificationConnection = ConnectionType(Notification);

@Resolver(() => Notification)
export class NotificationsResolver {
  constructor(
    private readonly notificationsService: NotificationsService,
    private readonly feedbackLoader: FeedbackLoader,
  ) {}

  @Mutation(() => MarkNotificationsReadPayload)
  @Allow(ANY_ROLE)
  async markNotificationsRead(@CurrentActor() by: Actor, @Args('input') input: MarkNotificationsReadInput): Promise<MarkNotificationsReadPayload> {
    const notifications = await this.notificationsService.markRead(by, input.ids.map((id) => numericId(id, 'input.ids', 'a notification')));
    return { notifications, unreadCount: await this.notificationsService.unreadCount(by.id) };
  }

  @ResolveField(() => Loop)
  async loop(@Parent() notification: Notification, @Context() context: object): Promise<Loop> {
    return new Loop((await this.feedbackLoader.load(context, notification.feedbackId))!);
  }

  @ResolveField(() => Boolean)
  read(@Parent() notification: Notification): boolean {
    return notification.readAt !== null;
  }
}

/** The inbox hangs off the viewer: `viewer { notifications(unreadOnly, first, after) }`. */
@Resolver(() => Actor)
export class ActorInboxResolver {
  constructor(private readonly notificationsService: NotificationsService) {}

  private assertOwn(actor: Actor, viewer: Actor): void {
    if (actor.id !== viewer.id) throw new ForbiddenError('An inbox is read only by its owner.');
  }

  @ResolveField(() => NotificationConnection, { description: "The viewer's inbox, newest first." })
  notifications(@Parent() actor: Actor, @CurrentActor() viewer: Actor, @Args() args: NotificationsArgs): Promise<Connection<Notification>> {
    this.assertOwn(actor, viewer);
    return this.notificationsService.inbox(actor.id, args.unreadOnly ?? false, args);
  }

  @ResolveField(() => Int, { description: 'How many notifications the viewer has not read.' })
  unreadNotificationCount(@Parent() actor: Actor, @CurrentActor() viewer: Actor): Promise<number> {
    this.assertOwn(actor, viewer);
    return this.notificationsService.unreadCount(actor.id);
  }
}

