import { Injectable } from '@nestjs/common';
import { byKeys, requestLoader } from '../common/loaders';
import { Release } from './release.entity';
import { ReleasesService } from './releases.service';

/** Loads the releases named by other records (target release, outcome), batched per request. */
@Injectable()
export class ReleaseLoader {
  constructor(private readonly releases: ReleasesService) {}

  load(context: object, id: number | null): Promise<Release | null> {
    if (id === null) return Promise.resolve(null);
    return requestLoader<number, Release | null>(context, 'release', async (ids) =>
      byKeys(ids, await this.releases.byIds(ids), (release) => release.id),
    ).load(id);
  }
}
