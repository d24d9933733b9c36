import { Injectable } from '@nestjs/common';
import { byKeys, requestLoader } from '../common/loaders';
import { Blueprint } from './blueprint.entity';
import { BlueprintsService } from './blueprints.service';

/** Loads blueprints named by other records, batched per request. */
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
}
