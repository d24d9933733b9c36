import { Injectable, OnModuleInit } from '@nestjs/common';
import { Consequence } from '../history/consequences';
import { HistoryService } from '../history/history.service';
import { LiveEvents } from '../history/live-events';
import { LoopEvent } from '../history/loop-event.entity';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { LoopsService } from './loops.service';

/** What an event is about, for matching live filters by theme and project. */
export interface EventScope {
  themeIds: Set<number>;
  projects: Set<string>;
}

const EMPTY: EventScope = { themeIds: new Set(), projects: new Set() };

/**
 * Works out, inside the transaction that records an event, which themes and
 * projects it concerns, so that live filters see the loop as it was when the
 * event happened. Only done while someone is watching.
 */
@Injectable()
export class EventScopes implements OnModuleInit {
  private readonly scopes = new WeakMap<LoopEvent, EventScope>();

  constructor(
    private readonly history: HistoryService,
    private readonly live: LiveEvents,
    private readonly themes: ThemesService,
    private readonly loops: LoopsService,
  ) {}

  onModuleInit(): void {
    this.history.onRecorded(Consequence.LIVE_SCOPE, async ({ event, draft, loops }) => {
      if (this.live.subscribers > 0) this.scopes.set(event, await this.compute(loops, [draft.recordKey, ...(draft.otherRecordKeys ?? [])]));
    });
    // An event another instance committed is scoped here, just after it committed.
    this.live.beforeRelayed(async ({ event, loops }) => {
      if (this.live.subscribers === 0) return;
      const recordKeys = (await this.history.recordKeysOf([event.id])).map((row) => row.recordKey);
      this.scopes.set(event, await this.compute(loops, recordKeys));
    });
  }

  of(event: LoopEvent): EventScope {
    return this.scopes.get(event) ?? EMPTY;
  }

  /**
   * Its own records and the loops it concerns give the themes and projects. A
   * theme concerns it also when it sits above one of those, so that watching
   * a theme covers its sub-themes.
   */
  private async compute(loops: readonly number[], recordKeys: string[]): Promise<EventScope> {
    const themeIds = recordKeys.filter((key) => /^TH-\d+$/.test(key)).map((key) => Number(key.slice(THEME_KEY_PREFIX.length)));
    const projects = new Set(recordKeys.filter((key) => /^[^/@~]+\/[^/@~]+$/.test(key)).map((key) => key.split('/')[0]));
    if (loops.length) {
      (await this.themes.activeLinksOf(loops)).forEach((link) => themeIds.push(link.themeId));
      (await this.loops.projectsOf(loops)).forEach((project) => projects.add(project));
    }
    return { themeIds: new Set(await this.themes.withAncestors(themeIds)), projects };
  }
}

