import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { Clock } from '../common/clock';
import { diff } from '../common/diff';
import { IdScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { HistoryService } from '../history/history.service';
import { RecordReleaseOutcomeInput } from './dto/outcome.inputs';
import { ReleaseOutcome } from './release-outcome.entity';
import { ReleasesService } from '../releases/releases.service';
import { EventType } from '../history/event-catalogue';

@Injectable()
export class OutcomesService {
  constructor(
    private readonly blueprints: BlueprintsService,
    private readonly releases: ReleasesService,
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get outcomes(): Repository<ReleaseOutcome> {
    return this.tx.repository(ReleaseOutcome);
  }

  /** Records what a release did for a blueprint; recording again for the same pair replaces it (the history keeps both). */
  record(by: Actor, input: RecordReleaseOutcomeInput): Promise<ReleaseOutcome> {
    return this.tx.run(async () => {
      const blueprint = await this.blueprints.byName(input.project, input.name);
      const release = await this.releases.byName(input.release, 'input.release');
      const now = this.clock.now();
      const existing = await this.tx.manager.findOneBy(ReleaseOutcome, { blueprintId: blueprint.id, releaseId: release.id });
      const fields = { result: input.result, notes: input.notes?.trim() || null, releaseNoteUrl: input.releaseNoteUrl ?? null };
      const { before, after } = existing ? diff(existing, fields) : { before: null, after: fields };
      if (existing && Object.keys(after ?? {}).length === 0) return existing;
      const outcome = existing ?? this.tx.manager.create(ReleaseOutcome, { blueprintId: blueprint.id, releaseId: release.id, recordedAt: now });
      Object.assign(outcome, fields, { recordedById: by.id, updatedAt: now });
      await this.tx.manager.save(outcome);
      await this.history.record({
        type: EventType.OUTCOME_RECORDED,
        recordKey: `${blueprint.key}@${release.name}`,
        otherRecordKeys: [blueprint.key, release.name],
        actorId: by.id,
        before,
        after,
        data: { blueprintKey: blueprint.key, release: release.name },
        touches: { blueprints: [blueprint.id] },
      });
      return outcome;
    });
  }

  /** Scope: the blueprints with an outcome in this release. */
  blueprintsWithOutcomeIn(releaseId: number): IdScope {
    return this.tx.manager
      .createQueryBuilder(ReleaseOutcome, 'outcomeIn')
      .select('outcomeIn.blueprintId')
      .where('outcomeIn.releaseId = :outcomeRelease', { outcomeRelease: releaseId });
  }

  /** The blueprint and release of each outcome, as rows (blueprint_id, release_id), for a union with other such pairs. */
  outcomePairs(): IdScope {
    return this.tx.manager.createQueryBuilder(ReleaseOutcome, 'outcomePair').select('outcomePair.blueprintId', 'blueprint_id').addSelect('outcomePair.releaseId', 'release_id');
  }

  ofBlueprints(blueprintIds: readonly number[]): Promise<ReleaseOutcome[]> {
    if (blueprintIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(ReleaseOutcome, { where: { blueprintId: In([...blueprintIds]) }, order: { id: 'ASC' } });
  }

  /** Blueprints with an outcome in any of these releases. */
  async blueprintsWithOutcomesIn(releaseIds: readonly number[]): Promise<number[]> {
    if (releaseIds.length === 0) return [];
    const rows = await this.tx.manager.find(ReleaseOutcome, { select: { blueprintId: true }, where: { releaseId: In([...releaseIds]) } });
    return [...new Set(rows.map((row) => row.blueprintId))];
  }

  ofReleases(releaseIds: readonly number[]): Promise<ReleaseOutcome[]> {
    return this.outcomes.find({ where: { releaseId: In([...releaseIds]) }, order: { id: 'ASC' } });
  }
}
