import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { Allow, ANY_ROLE } from '../common/access';
import { idFromKey } from '../common/keys';
import { FEEDBACK_KEY_PREFIX } from '../feedback/feedback-item.entity';
import { HistoryService } from '../history/history.service';
import { LiveEvents } from '../history/live-events';
import { LoopEvent } from '../history/loop-event.entity';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { LoopEventFilter } from './dto/loop.inputs';
import { LoopsService } from './loops.service';

/** What an event is about, for matching live filters: computed once per event, whoever listens. */
interface EventScope {
  themeIds: Set<number>;
  projects: Set<string>;
}

@Resolver(() => LoopEvent)
export class LiveLoopsResolver {
  private readonly scopes = new WeakMap<LoopEvent, Promise<EventScope>>();

  constructor(
    private readonly loopsService: LoopsService,
    private readonly live: LiveEvents,
    private readonly historyService: HistoryService,
    private readonly themesService: ThemesService,
  ) {}

  @Subscription(() => LoopEvent, {
    description: 'Events as they are committed, over graphql-ws (token in the connection parameters: { "authorization": "Bearer <token>" }).',
    resolve: (event: LoopEvent) => event,
  })
  @Allow(ANY_ROLE)
  async loopEvents(@Args('filter', { type: () => LoopEventFilter, nullable: true }) filter: LoopEventFilter | null): Promise<AsyncIterator<LoopEvent>> {
    const loopId = filter?.loopKey ? idFromKey(FEEDBACK_KEY_PREFIX, filter.loopKey, 'filter.loopKey') : null;
    const rootThemeId = filter?.themeKey ? idFromKey(THEME_KEY_PREFIX, filter.themeKey, 'filter.themeKey') : null;
    const themeIds = rootThemeId === null ? null : new Set((await this.themesService.subtrees([rootThemeId])).get(rootThemeId));
    const project = filter?.project?.toLowerCase() ?? null;
    const types = filter?.types ?? null;
    const typeMatches = (type: string) => !types || types.some((wanted) => wanted === type || (wanted.endsWith('.*') && type.startsWith(wanted.slice(0, -1))));

    const matches = async (event: LoopEvent) => {
      if (!typeMatches(event.type)) return false;
      if (loopId !== null && !event.loopIds.includes(loopId)) return false;
      if (!themeIds && !project) return true;
      const scope = await this.scopeOf(event);
      if (themeIds && ![...themeIds].some((id) => scope.themeIds.has(id))) return false;
      return !project || scope.projects.has(project);
    };
    const stream = this.live.stream();
    return (async function* () {
      for await (const event of stream) if (await matches(event)) yield event;
    })();
  }

  private scopeOf(event: LoopEvent): Promise<EventScope> {
    let scope = this.scopes.get(event);
    if (!scope) {
      scope = this.computeScope(event);
      this.scopes.set(event, scope);
    }
    return scope;
  }

  /** The themes and projects an event concerns: through its own records and through the loops it concerns. */
  private async computeScope(event: LoopEvent): Promise<EventScope> {
    const recordKeys = (await this.historyService.recordKeysOf([event.id])).map((row) => row.recordKey);
    const themeIds = new Set(recordKeys.filter((key) => /^TH-\d+$/.test(key)).map((key) => Number(key.slice(THEME_KEY_PREFIX.length))));
    const projects = new Set(recordKeys.filter((key) => /^[^/@~]+\/[^/@~]+/.test(key)).map((key) => key.split('/')[0]));
    if (event.loopIds.length) {
      (await this.themesService.activeLinksOf(event.loopIds)).forEach((link) => themeIds.add(link.themeId));
      (await this.loopsService.projectsOf(event.loopIds)).forEach((project) => projects.add(project));
    }
    return { themeIds, projects };
  }
}
