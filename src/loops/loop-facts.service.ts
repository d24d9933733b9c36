import { Injectable } from '@nestjs/common';
import { Blueprint } from '../blueprints/blueprint.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { groupsOf } from '../common/loaders';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { ReleaseOutcome } from '../outcomes/release-outcome.entity';
import { OutcomesService } from '../outcomes/outcomes.service';
import { ReleasesService } from '../releases/releases.service';
import { ThemesService } from '../themes/themes.service';
import { FeedbackThemeLink } from '../themes/feedback-theme-link.entity';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { BlueprintFact, LoopFacts } from './stage';

/** How a blueprint answers a loop: linked to it directly, and/or linked to these themes (its themes or their sub-themes). */
export interface BlueprintRoute {
  blueprint: Blueprint;
  direct: boolean;
  viaThemeIds: number[];
  outcomes: ReleaseOutcome[];
  fact: BlueprintFact;
}

/** Everything known about one loop: the item, its links, and the facts the stage engine reads. */
export interface LoopRecord {
  item: FeedbackItem;
  themeLinks: FeedbackThemeLink[];
  routes: BlueprintRoute[];
  facts: LoopFacts;
}

/** The records the facts of some loops are read from, besides the loops' own: their themes (with those above and below them), the blueprints answering them, and those blueprints' releases. */
export interface LoopReach {
  themeIds: number[];
  blueprintIds: number[];
  releaseIds: number[];
}

/**
 * Gathers the facts of many loops at once, in a fixed number of queries
 * whatever their number (one per level of the theme tree, plus one per kind
 * of record), so that lists and the projector never go row by row.
 */
@Injectable()
export class LoopFactsService {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly outcomes: OutcomesService,
    private readonly releases: ReleasesService,
  ) {}

  async load(feedbackIds: readonly number[]): Promise<Map<number, LoopRecord>> {
    const items = await this.feedback.byIds(feedbackIds);
    return this.loadFor(items);
  }

  /**
   * Every record other than the loops themselves that the facts of these
   * loops (their stage, and their share of the health tally) are read from:
   * the themes they are linked to, every theme below those and every theme
   * above them, the blueprints that answer them, and the releases those
   * blueprints target or have outcomes in. A write locks them before it reads
   * the facts (loops/loop-locks.ts).
   */
  async reach(feedbackIds: readonly number[]): Promise<LoopReach> {
    const linked = await this.linkedRecords(feedbackIds);
    const above = await this.themes.withAncestors([...new Set(linked.themeLinks.map((link) => link.themeId))]);
    return {
      themeIds: [...new Set([...linked.subtreeIds, ...above])].sort((a, b) => a - b),
      blueprintIds: [...linked.blueprints.keys()].sort((a, b) => a - b),
      releaseIds: linked.releaseIds.sort((a, b) => a - b),
    };
  }

  /** The links of these loops and the records they reach. */
  private async linkedRecords(ids: readonly number[]) {
    const themeLinks = await this.themes.activeLinksOf(ids);
    const subtrees = await this.themes.subtrees([...new Set(themeLinks.map((link) => link.themeId))]);
    const subtreeIds = [...new Set([...subtrees.values()].flat())];
    const themeBlueprintLinks = await this.blueprints.themeLinks(subtreeIds);
    const directLinks = await this.blueprints.feedbackLinks({ feedbackIds: ids });
    const blueprintIds = [...new Set([...themeBlueprintLinks, ...directLinks].map((link) => link.blueprintId))];
    const blueprints = new Map((await this.blueprints.byIds(blueprintIds)).map((blueprint) => [blueprint.id, blueprint]));
    const outcomes = await this.outcomes.ofBlueprints(blueprintIds);
    const releaseIds = [...new Set([...outcomes.map((o) => o.releaseId), ...[...blueprints.values()].map((b) => b.targetReleaseId)])].filter(
      (id): id is number => id !== null,
    );
    return { themeLinks, subtrees, subtreeIds, themeBlueprintLinks, directLinks, blueprintIds, blueprints, outcomes, releaseIds };
  }

  async loadFor(items: FeedbackItem[]): Promise<Map<number, LoopRecord>> {
    const ids = items.map((item) => item.id);
    const { themeLinks, subtrees, themeBlueprintLinks, directLinks, blueprintIds, blueprints, outcomes, releaseIds } = await this.linkedRecords(ids);
    const releases = new Map((await this.releases.byIds(releaseIds)).map((r) => [r.id, r]));

    const outcomesOf = groupsOf(blueprintIds, outcomes, (outcome) => outcome.blueprintId);
    const themeLinksOf = groupsOf(ids, themeLinks, (link) => link.feedbackId);
    const directLinksOf = groupsOf(ids, directLinks, (link) => link.feedbackId);
    const facts = new Map<number, BlueprintFact>();
    for (const blueprint of blueprints.values()) {
      facts.set(blueprint.id, {
        id: blueprint.id,
        project: blueprint.project,
        name: blueprint.name,
        definitionStatus: blueprint.definitionStatus,
        implementationStatus: blueprint.implementationStatus,
        targetRelease: blueprint.targetReleaseId ? (releases.get(blueprint.targetReleaseId)?.name ?? null) : null,
        outcomes: (outcomesOf.get(blueprint.id) ?? []).map((outcome) => {
          const release = releases.get(outcome.releaseId)!;
          return { releaseId: release.id, release: release.name, sequence: release.sequence, result: outcome.result };
        }),
      });
    }

    const records = new Map<number, LoopRecord>();
    for (const item of items) {
      const links = themeLinksOf.get(item.id) ?? [];
      const routes = new Map<number, BlueprintRoute>();
      const route = (blueprintId: number) => {
        let found = routes.get(blueprintId);
        if (!found) {
          found = {
            blueprint: blueprints.get(blueprintId)!,
            direct: false,
            viaThemeIds: [],
            outcomes: outcomesOf.get(blueprintId) ?? [],
            fact: facts.get(blueprintId)!,
          };
          routes.set(blueprintId, found);
        }
        return found;
      };
      (directLinksOf.get(item.id) ?? []).forEach((link) => (route(link.blueprintId).direct = true));
      const reachable = new Set(links.flatMap((link) => subtrees.get(link.themeId) ?? []));
      for (const link of themeBlueprintLinks) {
        if (reachable.has(link.themeId)) {
          const found = route(link.blueprintId);
          if (!found.viaThemeIds.includes(link.themeId)) found.viaThemeIds.push(link.themeId);
        }
      }
      const answering = [...routes.values()].sort((a, b) => a.blueprint.id - b.blueprint.id);
      records.set(item.id, {
        item,
        themeLinks: links,
        routes: answering,
        facts: {
          triaged: item.triagedAt !== null,
          themeKeys: links.map((link) => `${THEME_KEY_PREFIX}${link.themeId}`),
          blueprints: answering.map((found) => found.fact),
          resolution: item.resolution,
          verdict: item.verdict,
        },
      });
    }
    return records;
  }
}
