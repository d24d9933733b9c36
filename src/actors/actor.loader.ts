import { Injectable } from '@nestjs/common';
import { byKeys, requestLoader } from '../common/loaders';
import { Actor } from './actor.entity';
import { ActorsService } from './actors.service';

/** Loads the actors named by other records (submitter, owner, recorder), batched per request. */
@Injectable()
export class ActorLoader {
  constructor(private readonly actors: ActorsService) {}

  load(context: object, id: number | null): Promise<Actor | null> {
    if (id === null) return Promise.resolve(null);
    return requestLoader<number, Actor | null>(context, 'actor', async (ids) =>
      byKeys(ids, await this.actors.byIds(ids), (actor) => actor.id),
    ).load(id);
  }
}
