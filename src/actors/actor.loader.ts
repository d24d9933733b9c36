import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, requestLoader } from '../common/loaders';
import { Actor } from './actor.entity';
import { ActorsService } from './actors.service';
import { ApiToken } from './api-token.entity';

/** Loads the actors named by other records (submitter, owner, recorder) and their tokens, batched per request. */
@Injectable()
export class ActorLoader {
  constructor(private readonly actors: ActorsService) {}

  load(context: object, id: number | null): Promise<Actor | null> {
    if (id === null) return Promise.resolve(null);
    return requestLoader<number, Actor | null>(context, 'actor', async (ids) =>
      byKeys(ids, await this.actors.byIds(ids), (actor) => actor.id),
    ).load(id);
  }

  /** The actor's tokens, oldest first. */
  tokens(context: object, actorId: number): Promise<ApiToken[]> {
    return requestLoader<number, ApiToken[]>(context, 'actor.tokens', async (ids) =>
      groupByKeys(ids, await this.actors.tokensOf(ids), (token) => token.actorId),
    ).load(actorId);
  }
}
