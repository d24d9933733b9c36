import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, CurrentActor } from '../common/access';
import { Cost } from '../common/limits/cost.decorator';
import { Connection, ConnectionType } from '../common/pagination';
import { Role } from '../common/role';
import { ActorsService } from '../actors/actors.service';
import { EventsArgs } from '../history/dto/event.inputs';
import { EventLoader } from '../history/event.loader';
import { EventReader } from '../history/event-catalogue';
import { HistoryService } from '../history/history.service';
import { LoopEvent } from '../history/loop-event.entity';

export const EventConnection = ConnectionType(LoopEvent, 'Event');

/** The audit log: it lives above the history and the actors, so that it can name people by email. */
@Resolver(() => LoopEvent)
export class EventsResolver {
  constructor(
    private readonly historyService: HistoryService,
    private readonly eventLoader: EventLoader,
    private readonly actors: ActorsService,
  ) {}

  @Query(() => EventConnection, { description: 'The audit log, newest first. Events about actors, tokens and webhooks are shown to admins only.' })
  @Allow(Role.PRODUCT_MANAGER, Role.TECH_LEAD)
  @Cost({ weight: 20 })
  events(@Args() args: EventsArgs, @CurrentActor() viewer: EventReader): Promise<Connection<LoopEvent>> {
    const actorEmail = args.filter?.actorEmail;
    return this.historyService.list(args.filter, args, viewer, actorEmail ? this.actors.withEmail(actorEmail) : null);
  }

  @ResolveField(() => [String], { description: 'Every record it concerns: its own and, for a link, both ends.' })
  recordKeys(@Parent() event: LoopEvent, @Context() context: object): Promise<string[]> {
    return this.eventLoader.recordKeys(context, event.id);
  }

  @ResolveField(() => [String], { description: 'The loops it concerns, such as FB-42: those it moved or that it tells about.' })
  loopKeys(@Parent() event: LoopEvent, @Context() context: object): Promise<string[]> {
    return this.eventLoader.loopKeys(context, event.id);
  }
}
