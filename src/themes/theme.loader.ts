import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, requestLoader } from '../common/loaders';
import { Theme } from './theme.entity';
import { ThemesService } from './themes.service';

/** Loads themes and their children, batched per request. */
@Injectable()
export class ThemeLoader {
  constructor(private readonly themes: ThemesService) {}

  load(context: object, id: number | null): Promise<Theme | null> {
    if (id === null) return Promise.resolve(null);
    return requestLoader<number, Theme | null>(context, 'theme', async (ids) =>
      byKeys(ids, await this.themes.byIds(ids), (theme) => theme.id),
    ).load(id);
  }

  async loadMany(context: object, ids: number[]): Promise<Theme[]> {
    const themes = await Promise.all(ids.map((id) => this.load(context, id)));
    return themes.filter((theme): theme is Theme => theme !== null);
  }

  children(context: object, id: number): Promise<Theme[]> {
    return requestLoader<number, Theme[]>(context, 'theme.children', async (ids) =>
      groupByKeys(ids, await this.themes.childrenOf(ids), (theme) => theme.parentId!),
    ).load(id);
  }

  /** The theme's parents, nearest first. */
  async ancestors(context: object, theme: Theme): Promise<Theme[]> {
    const path: Theme[] = [];
    for (let parent = await this.load(context, theme.parentId); parent; parent = await this.load(context, parent.parentId)) {
      path.push(parent);
    }
    return path;
  }
}
