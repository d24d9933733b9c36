import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, requestLoader } from '../common/loaders';
import { ThemeBlueprintLink } from './blueprint-links.entity';
import { Blueprint } from './blueprint.entity';
import { BlueprintsService } from './blueprints.service';

/** Loads blueprints named by other records and their links to themes, batched per request. */
@Injectable()
export class BlueprintLoader {
  constructor(private readonly blueprints: BlueprintsService) {}

  load(context: object, id: number): Promise<Blueprint | null> {
    return requestLoader<number, Blueprint | null>(context, 'blueprint', async (ids) =>
      byKeys(ids, await this.blueprints.byIds(ids), (blueprint) => blueprint.id),
    ).load(id);
  }

  async loadMany(context: object, ids: number[]): Promise<Blueprint[]> {
    const blueprints = await Promise.all(ids.map((id) => this.load(context, id)));
    return blueprints.filter((blueprint): blueprint is Blueprint => blueprint !== null);
  }

  /** The links in force from this blueprint to themes. */
  themeLinks(context: object, blueprintId: number): Promise<ThemeBlueprintLink[]> {
    return requestLoader<number, ThemeBlueprintLink[]>(context, 'blueprint.themeLinks', async (ids) =>
      groupByKeys(ids, await this.blueprints.themeLinksOfBlueprints(ids), (link) => link.blueprintId),
    ).load(blueprintId);
  }

  /** The links in force from blueprints to this theme. */
  linksToTheme(context: object, themeId: number): Promise<ThemeBlueprintLink[]> {
    return requestLoader<number, ThemeBlueprintLink[]>(context, 'theme.blueprintLinks', async (ids) =>
      groupByKeys(ids, await this.blueprints.themeLinks(ids), (link) => link.themeId),
    ).load(themeId);
  }
}
