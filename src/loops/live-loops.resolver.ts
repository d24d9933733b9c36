import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { idFromKey } from '../common/keys';
import { FEEDBACK_KEY_PREFIX } from '../feedback/feedback-item.entity';
import { EventReader, matchesEventType } from '../history/event-catalogue';
import { LiveEvent, LiveEvents } from '../history/live-events';
import { LoopEvent } from '../history/loop-event.entity';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { LoopEventFilter } from './dto/loop.inputs';
import { EventScopes } from './event-scope';

@Resolver(() => LoopEvent)
export class LiveLoopsResolver {
  constructor(
    private readonly live: LiveEvents,
    private readonly scopes: EventScopes,
  ) {}

  @Subscription(() => LoopEvent, {
    description:
      'Events as they are committed, over graphql-ws (token in the connection parameters: { "authorization": "Bearer <token>" }). Events about actors, tokens and webhooks reach admins only, as in the audit log.',
    resolve: (live: LiveEvent) => live.event,
  })
  @Allow(ANY_ROLE)
  loopEvents(
    @Args('filter', { type: () => LoopEventFilter, nullable: true }) filter: LoopEventFilter | null,
    @CurrentActor() viewer: EventReader,
  ): AsyncIterator<LiveEvent> {
    const loopId = filter?.loopKey ? idFromKey(FEEDBACK_KEY_PREFIX, filter.loopKey, 'filter.loopKey') : null;
    const themeId = filter?.themeKey ? idFromKey(THEME_KEY_PREFIX, filter.themeKey, 'filter.themeKey') : null;
    const project = filter?.project?.toLowerCase() ?? null;
    const types = filter?.types ?? null;
    const matches = ({ event, loops }: LiveEvent) => {
      if (types && !types.some((wanted) => matchesEventType(wanted, event.type))) return false;
      if (loopId !== null && !loops.includes(loopId)) return false;
      const scope = this.scopes.of(event);
      return (themeId === null || scope.themeIds.has(themeId)) && (project === null || scope.projects.has(project));
    };
    const stream = this.live.stream(viewer);
    return (async function* () {
      for await (const live of stream) if (matches(live)) yield live;
    })();
  }
}
