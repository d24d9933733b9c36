import { Injectable } from '@nestjs/common';
import { groupByKeys, requestLoader } from '../common/loaders';
import { OutcomesService } from './outcomes.service';
import { ReleaseOutcome } from './release-outcome.entity';

/** Loads the outcomes of blueprints and of releases, batched per request. */
@Injectable()
export class OutcomeLoader {
  constructor(private readonly outcomes: OutcomesService) {}

  /** What each release did for this blueprint. */
  ofBlueprint(context: object, blueprintId: number): Promise<ReleaseOutcome[]> {
    return requestLoader<number, ReleaseOutcome[]>(context, 'blueprint.outcomes', async (ids) =>
      groupByKeys(ids, await this.outcomes.ofBlueprints(ids), (outcome) => outcome.blueprintId),
    ).load(blueprintId);
  }

  /** What this release did for each blueprint. */
  ofRelease(context: object, releaseId: number): Promise<ReleaseOutcome[]> {
    return requestLoader<number, ReleaseOutcome[]>(context, 'release.outcomes', async (ids) =>
      groupByKeys(ids, await this.outcomes.ofReleases(ids), (outcome) => outcome.releaseId),
    ).load(releaseId);
  }
}
