import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { ActorLoader } from '../actors/actor.loader';
import { Role } from '../actors/role';
import { Allow, CurrentActor } from '../common/access';
import { Connection, ConnectionType, PageArgs } from '../common/pagination';
import { EventLoader } from '../history/event.loader';
import { LoopEvent } from '../history/loop-event.entity';
import {
  RegisterWebhookInput,
  RegisterWebhookPayload,
  RetryWebhookDeliveryInput,
  RetryWebhookDeliveryPayload,
  UpdateWebhookInput,
  UpdateWebhookPayload,
  WebhookDeliveriesArgs,
} from './dto/webhook.inputs';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { Webhook } from './webhook.entity';
import { WebhookLoader } from './webhook.loader';
import { WebhooksService } from './webhooks.service';

export const WebhookConnection = ConnectionType(Webhook);
export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery);

@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(
    private readonly webhooksService: WebhooksService,
    private readonly actorLoader: ActorLoader,
  ) {}

  @Query(() => WebhookConnection, { description: 'Every webhook, in the order they were registered (admins only).' })
  @Allow(Role.ADMIN)
  webhooks(@Args() page: PageArgs): Promise<Connection<Webhook>> {
    return this.webhooksService.list(page);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'What was sent, or is to be sent, to the webhooks; newest event first (admins only).' })
  @Allow(Role.ADMIN)
  webhookDeliveries(@Args() args: WebhookDeliveriesArgs): Promise<Connection<WebhookDelivery>> {
    return this.webhooksService.listDeliveries(args.filter, args);
  }

  @Mutation(() => RegisterWebhookPayload, { description: 'From now on, the events it asks for are POSTed to its URL, signed with its secret.' })
  @Allow(Role.ADMIN)
  async registerWebhook(@CurrentActor() by: Actor, @Args('input') input: RegisterWebhookInput): Promise<RegisterWebhookPayload> {
    return { webhook: await this.webhooksService.register(by, input) };
  }

  @Mutation(() => UpdateWebhookPayload, { description: 'Changes a webhook; active: false pauses it and active: true resumes it.' })
  @Allow(Role.ADMIN)
  async updateWebhook(@CurrentActor() by: Actor, @Args('input') input: UpdateWebhookInput): Promise<UpdateWebhookPayload> {
    return { webhook: await this.webhooksService.update(by, input) };
  }

  @Mutation(() => RetryWebhookDeliveryPayload, { description: 'Sends a DEAD delivery again, from a fresh backoff schedule.' })
  @Allow(Role.ADMIN)
  async retryWebhookDelivery(@CurrentActor() by: Actor, @Args('input') input: RetryWebhookDeliveryInput): Promise<RetryWebhookDeliveryPayload> {
    return { delivery: await this.webhooksService.retry(by, input.id) };
  }

  @ResolveField(() => Actor)
  createdBy(@Parent() webhook: Webhook, @Context() context: object): Promise<Actor | null> {
    return this.actorLoader.load(context, webhook.createdById);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  constructor(
    private readonly webhookLoader: WebhookLoader,
    private readonly eventLoader: EventLoader,
  ) {}

  @ResolveField(() => LoopEvent, { description: 'The event it tells of.' })
  event(@Parent() delivery: WebhookDelivery, @Context() context: object): Promise<LoopEvent | null> {
    return this.eventLoader.load(context, delivery.eventId);
  }

  @ResolveField(() => Webhook)
  webhook(@Parent() delivery: WebhookDelivery, @Context() context: object): Promise<Webhook | null> {
    return this.webhookLoader.load(context, delivery.webhookId);
  }

  @ResolveField(() => [WebhookAttempt], { description: 'Every attempt, oldest first, including those before an admin retried it.' })
  attemptLog(@Parent() delivery: WebhookDelivery, @Context() context: object): Promise<WebhookAttempt[]> {
    return this.webhookLoader.attempts(context, delivery.id);
  }

  @ResolveField(() => Date, { nullable: true, description: 'When it is due to be sent; null once it is DELIVERED or DEAD.' })
  nextAttemptAt(@Parent() delivery: WebhookDelivery): Date | null {
    return delivery.status === WebhookDeliveryStatus.PENDING ? delivery.nextAttemptAt : null;
  }
}
