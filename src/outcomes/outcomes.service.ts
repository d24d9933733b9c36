import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { Clock } from '../common/clock';
import { diff } from '../common/diff';
import { TransactionRunner } from '../common/transactions';
import { HistoryService } from '../history/history.service';
import { RecordReleaseOutcomeInput } from './dto/outcome.inputs';
import { ReleaseOutcome } from './release-outcome.entity';
import { ReleasesService } from '../releases/releases.service';

@Injectable()
export class OutcomesService {
  constructor(
    @InjectRepository(ReleaseOutcome) private readonly outcomes: Repository<ReleaseOutcome>,
    private readonly blueprints: BlueprintsService,
    private readonly releases: ReleasesService,
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Records what a release did for a blueprint; recording again for the same pair replaces it (the history keeps both). */
  record(by: Actor, input: RecordReleaseOutcomeInput): Promise<ReleaseOutcome> {
    return this.tx.run(async (em) => {
      const blueprint = await this.blueprints.byName(input.project, input.name, em);
      const release = await this.releases.byName(input.release, 'input.release', em);
      const now = this.clock.now();
      const existing = await em.findOneBy(ReleaseOutcome, { blueprintId: blueprint.id, releaseId: release.id });
      const fields = { result: input.result, notes: input.notes?.trim() || null, releaseNoteUrl: input.releaseNoteUrl ?? null };
      const { before, after } = existing ? diff(existing, fields) : { before: null, after: fields };
      if (existing && Object.keys(after ?? {}).length === 0) return existing;
      const outcome = existing ?? em.create(ReleaseOutcome, { blueprintId: blueprint.id, releaseId: release.id, recordedAt: now });
      Object.assign(outcome, fields, { recordedById: by.id, updatedAt: now });
      await em.save(outcome);
      await this.history.record(em, {
        type: 'outcome.recorded',
        recordType: 'outcome',
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

  ofBlueprints(blueprintIds: readonly number[], em: EntityManager = this.outcomes.manager): Promise<ReleaseOutcome[]> {
    if (blueprintIds.length === 0) return Promise.resolve([]);
    return em.find(ReleaseOutcome, { where: { blueprintId: In([...blueprintIds]) }, order: { id: 'ASC' } });
  }

  /** Blueprints with an outcome in any of these releases. */
  async blueprintsWithOutcomesIn(releaseIds: readonly number[], em: EntityManager = this.outcomes.manager): Promise<number[]> {
    if (releaseIds.length === 0) return [];
    const rows = await em.find(ReleaseOutcome, { select: { blueprintId: true }, where: { releaseId: In([...releaseIds]) } });
    return [...new Set(rows.map((row) => row.blueprintId))];
  }

  ofReleases(releaseIds: readonly number[]): Promise<ReleaseOutcome[]> {
    return this.outcomes.find({ where: { releaseId: In([...releaseIds]) }, order: { id: 'ASC' } });
  }
}
