import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { Blueprint } from '../blueprints/blueprint.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { inChunks } from '../common/chunks';
import { Clock } from '../common/clock';
import { BadUserInputError, ConflictError, ForbiddenError } from '../common/errors';
import { idFromKey } from '../common/keys';
import { Connection, PageArgs } from '../common/pagination';
import { DAY_MS } from '../common/time';
import { TransactionRunner } from '../common/transactions';
import { FEEDBACK_KEY_PREFIX, FeedbackItem } from '../feedback/feedback-item.entity';
import { LoopStage, Resolution, Verdict } from '../feedback/feedback.enums';
import { FeedbackService } from '../feedback/feedback.service';
import { HistoryService } from '../history/history.service';
import { ReleasesService } from '../releases/releases.service';
import { ThemesService } from '../themes/themes.service';
import { CloseLoopInput, LoopFilter, LoopsArgs, MergeFeedbackInput } from './dto/loop.inputs';
import { LoopBlueprint } from './loop-blueprint.entity';
import { LoopStageVisit } from './loop-stage-visit.entity';
import { LoopFactsService } from './loop-facts.service';
import { deriveStage } from './stage';

export interface StageMismatch {
  key: string;
  field: string;
  stored: string;
  derived: string;
}

/** The closure rules of a loop, merging, and the loop lists. */
@Injectable()
export class LoopsService {
  constructor(
    @InjectRepository(LoopBlueprint) private readonly answers: Repository<LoopBlueprint>,
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly releases: ReleasesService,
    private readonly facts: LoopFactsService,
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  close(by: Actor, input: CloseLoopInput): Promise<FeedbackItem> {
    if (input.resolution === Resolution.DUPLICATE) {
      throw BadUserInputError.field('input.resolution', 'a duplicate is closed by mergeFeedback, which names its survivor');
    }
    return this.tx.run(async (em) => {
      const item = await this.feedback.byKey(input.key, 'input.key', em);
      if (item.stage === LoopStage.CLOSED) throw new ConflictError(`${item.key} is closed already (${item.resolution}).`);
      await this.feedback.saveLoopState(em, item, {
        resolution: input.resolution,
        resolutionNote: input.note.trim(),
        closedAt: this.clock.now(),
        closedById: by.id,
        verdict: null,
        verdictNote: null,
        verifiedAt: null,
      });
      await this.history.record(em, {
        type: 'loop.closed',
        recordType: 'feedback',
        recordKey: item.key,
        actorId: by.id,
        before: { resolution: null },
        after: { resolution: input.resolution },
        data: { note: item.resolutionNote },
        touches: { feedback: [item.id] },
      });
      return this.feedback.reload(em, item);
    });
  }

  /** The requester's last word: CONFIRMED keeps the loop closed, DISPUTED reopens it. */
  verify(by: Actor, key: string, verdict: Verdict, note: string | null | undefined): Promise<FeedbackItem> {
    return this.tx.run(async (em) => {
      const item = await this.feedback.byKey(key, 'input.key', em);
      if (item.submitterId !== by.id) throw new ForbiddenError(`Only the submitter of ${item.key} may verify its closure.`);
      if (item.stage !== LoopStage.CLOSED) throw new ConflictError(`${item.key} is not closed; there is no closure to verify.`);
      if (item.verdict) throw new ConflictError(`You answered this closure of ${item.key} already (${item.verdict}).`);
      if (item.resolution === Resolution.DUPLICATE && verdict === Verdict.DISPUTED) {
        throw new ConflictError(`${item.key} was merged into FB-${item.mergedIntoId}; its loop goes on there.`);
      }
      const now = this.clock.now();
      const answer = { verdict, verdictNote: note?.trim() || null, verifiedAt: now };
      const disputed = verdict === Verdict.DISPUTED;
      await this.feedback.saveLoopState(em, item, disputed ? { ...answer, ...this.reopened() } : answer);
      await this.history.record(em, {
        type: disputed ? 'loop.disputed' : 'loop.verified',
        recordType: 'feedback',
        recordKey: item.key,
        actorId: by.id,
        after: { verdict },
        data: { note: answer.verdictNote },
        touches: { feedback: [item.id] },
      });
      if (disputed) await this.recordReopened(em, by, item, answer.verdictNote);
      return this.feedback.reload(em, item);
    });
  }

  reopen(by: Actor, key: string, note: string): Promise<FeedbackItem> {
    return this.tx.run(async (em) => {
      const item = await this.feedback.byKey(key, 'input.key', em);
      if (item.stage !== LoopStage.CLOSED) throw new ConflictError(`${item.key} is open.`);
      if (item.mergedIntoId) throw new ConflictError(`${item.key} was merged into FB-${item.mergedIntoId}; its loop goes on there.`);
      await this.feedback.saveLoopState(em, item, { ...this.reopened(), verdict: null, verdictNote: null, verifiedAt: null });
      await this.recordReopened(em, by, item, note.trim());
      return this.feedback.reload(em, item);
    });
  }

  private reopened() {
    return { resolution: null, resolutionNote: null, closedAt: null, closedById: null };
  }

  private recordReopened(em: EntityManager, by: Actor, item: FeedbackItem, note: string | null) {
    return this.history.record(em, {
      type: 'loop.reopened',
      recordType: 'feedback',
      recordKey: item.key,
      actorId: by.id,
      after: { resolution: null },
      data: { note },
      touches: { feedback: [item.id] },
    });
  }

  merge(by: Actor, input: MergeFeedbackInput): Promise<{ duplicate: FeedbackItem; survivor: FeedbackItem }> {
    const duplicateId = idFromKey(FEEDBACK_KEY_PREFIX, input.duplicateKey, 'input.duplicateKey');
    const survivorId = idFromKey(FEEDBACK_KEY_PREFIX, input.survivorKey, 'input.survivorKey');
    if (duplicateId === survivorId) throw BadUserInputError.field('input.survivorKey', 'must differ from duplicateKey');
    return this.tx.run(async (em) => {
      // Lock in id order, so that two merges of the same pair cannot wait on each other.
      const fields = new Map([
        [duplicateId, 'input.duplicateKey'],
        [survivorId, 'input.survivorKey'],
      ]);
      const locked = new Map<number, FeedbackItem>();
      for (const id of [...fields.keys()].sort((a, b) => a - b)) {
        locked.set(id, await this.feedback.byKey(`${FEEDBACK_KEY_PREFIX}${id}`, fields.get(id)!, em));
      }
      const duplicate = locked.get(duplicateId)!;
      const survivor = locked.get(survivorId)!;
      if (duplicate.mergedIntoId) throw new ConflictError(`${duplicate.key} was merged into FB-${duplicate.mergedIntoId} already.`);
      if (duplicate.stage === LoopStage.CLOSED) throw new ConflictError(`${duplicate.key} is closed; reopen it before merging it.`);
      if (survivor.mergedIntoId) {
        throw new ConflictError(`${survivor.key} was itself merged into FB-${survivor.mergedIntoId}; merge into that one.`);
      }
      const movedVoters = await this.feedback.moveVotes(em, duplicate, survivor);
      await this.themes.moveFeedbackLinks(em, by, duplicate, survivor);
      await this.blueprints.moveFeedbackLinks(em, by, duplicate, survivor);
      const note = input.note?.trim() || `duplicate of ${survivor.key}`;
      await this.feedback.saveLoopState(em, duplicate, {
        mergedIntoId: survivor.id,
        resolution: Resolution.DUPLICATE,
        resolutionNote: note,
        closedAt: this.clock.now(),
        closedById: by.id,
        verdict: null,
        verdictNote: null,
        verifiedAt: null,
      });
      await this.history.record(em, {
        type: 'feedback.merged',
        recordType: 'feedback',
        recordKey: duplicate.key,
        otherRecordKeys: [survivor.key],
        actorId: by.id,
        before: { mergedInto: null, survivorVoteCount: survivor.voteCount - movedVoters.length },
        after: { mergedInto: survivor.key, survivorVoteCount: survivor.voteCount },
        data: { duplicateKey: duplicate.key, survivorKey: survivor.key, movedVotes: movedVoters.length, note },
        touches: { feedback: [duplicate.id, survivor.id] },
      });
      await this.history.record(em, {
        type: 'loop.closed',
        recordType: 'feedback',
        recordKey: duplicate.key,
        actorId: by.id,
        before: { resolution: null },
        after: { resolution: Resolution.DUPLICATE },
        data: { note, survivorKey: survivor.key },
        touches: { feedback: [duplicate.id] },
      });
      return { duplicate: await this.feedback.reload(em, duplicate), survivor: await this.feedback.reload(em, survivor) };
    });
  }

  async list(args: LoopsArgs): Promise<Connection<FeedbackItem>> {
    return this.feedback.page(await this.filtered(args.filter), args, args.orderBy);
  }

  /** Loops linked to the theme or to one of its sub-themes. */
  async ofTheme(themeId: number, page: PageArgs): Promise<Connection<FeedbackItem>> {
    const query = this.feedback.filtered(null);
    await this.whereThemes(query, [themeId]);
    return this.feedback.page(query, page);
  }

  /** The loops a blueprint answers: who asked for this work. */
  requestsOf(blueprintId: number, page: PageArgs): Promise<Connection<FeedbackItem>> {
    const query = this.feedback
      .filtered(null)
      .andWhere('feedback.id IN (SELECT lb.feedback_id FROM loop_blueprint lb WHERE lb.blueprint_id = :blueprintId)', { blueprintId });
    return this.feedback.page(query, page);
  }

  /** The loops this release completed: each blueprint answering them delivered, the last in this release. */
  closedBy(releaseId: number, page: PageArgs): Promise<Connection<FeedbackItem>> {
    return this.feedback.page(this.closedByQuery(releaseId), page);
  }

  /** The loops closedBy lists, as a query over feedback items. */
  closedByQuery(releaseId: number): SelectQueryBuilder<FeedbackItem> {
    return this.feedback
      .filtered(null)
      .andWhere('feedback.completedInReleaseId = :releaseId', { releaseId })
      .andWhere(
        new Brackets((either) =>
          either.where('feedback.stage = :released', { released: LoopStage.RELEASED }).orWhere('feedback.resolution = :delivered', {
            delivered: Resolution.DELIVERED,
          }),
        ),
      );
  }

  /** The loops the filter selects, as a query over feedback items (lists, exports and health share it). */
  async filtered(filter: LoopFilter | null | undefined): Promise<SelectQueryBuilder<FeedbackItem>> {
    const query = this.feedback.filtered({
      origin: filter?.origin,
      stage: filter?.stage,
      tag: filter?.tag,
      submitterEmail: filter?.submitterEmail,
    });
    if (filter?.project) {
      query.andWhere(
        new Brackets((either) =>
          either
            .where('feedback.id IN (SELECT fp.feedback_id FROM feedback_project fp WHERE fp.project = :project)')
            .orWhere(
              'feedback.id IN (SELECT lb.feedback_id FROM loop_blueprint lb INNER JOIN blueprint b ON b.id = lb.blueprint_id WHERE b.project = :project)',
            ),
        ),
        { project: filter.project.toLowerCase() },
      );
    }
    if (filter?.themeKey) {
      const theme = await this.themes.byKey(filter.themeKey, 'filter.themeKey');
      await this.whereThemes(query, [theme.id]);
    }
    if (filter?.release) {
      const release = await this.releases.byName(filter.release, 'filter.release');
      query.andWhere(
        new Brackets((either) =>
          either
            .where('feedback.completedInReleaseId = :releaseId')
            .orWhere(
              'feedback.id IN (SELECT lb.feedback_id FROM loop_blueprint lb INNER JOIN blueprint b ON b.id = lb.blueprint_id WHERE b.target_release_id = :releaseId)',
            )
            .orWhere(
              'feedback.id IN (SELECT lb.feedback_id FROM loop_blueprint lb INNER JOIN release_outcome ro ON ro.blueprint_id = lb.blueprint_id WHERE ro.release_id = :releaseId)',
            ),
        ),
        { releaseId: release.id },
      );
    }
    if (filter?.stalledForDays !== undefined && filter?.stalledForDays !== null) {
      query
        .andWhere('feedback.stage <> :closed', { closed: LoopStage.CLOSED })
        .andWhere('feedback.lastEventAt <= :stalledSince', { stalledSince: new Date(this.clock.now().getTime() - filter.stalledForDays * DAY_MS) });
    }
    return query;
  }

  private async whereThemes(query: ReturnType<FeedbackService['filtered']>, themeIds: number[]): Promise<void> {
    const subtrees = await this.themes.subtrees(themeIds);
    const ids = [...new Set([...subtrees.values()].flat())];
    query.andWhere(
      'feedback.id IN (SELECT ftl.feedback_id FROM feedback_theme_link ftl WHERE ftl.removed_at IS NULL AND ftl.theme_id IN (:...themeIds))',
      { themeIds: ids },
    );
  }

  /** The stays of these loops in their stages, oldest first, as the stage projector keeps them. */
  stays(feedbackIds: readonly number[]): Promise<LoopStageVisit[]> {
    if (feedbackIds.length === 0) return Promise.resolve([]);
    return this.answers.manager.find(LoopStageVisit, { where: { feedbackId: In([...feedbackIds]) }, order: { id: 'ASC' } });
  }

  /** The projects these loops concern: those the requests name and those of the blueprints answering them. */
  async projectsOf(feedbackIds: readonly number[], em: EntityManager): Promise<string[]> {
    const ids = [...feedbackIds];
    // One after the other: inside a transaction both run on its one connection.
    const named = await this.feedback.facetsOf(em, ids);
    const answering = await em
      .createQueryBuilder(LoopBlueprint, 'answer')
      .innerJoin(Blueprint, 'blueprint', 'blueprint.id = answer.blueprintId')
      .select('DISTINCT blueprint.project', 'project')
      .where('answer.feedbackId IN (:...ids)', { ids })
      .getRawMany<{ project: string }>();
    return [...new Set([...named.flatMap((facet) => facet.projects), ...answering.map((row) => row.project)])];
  }

  /**
   * Recomputes every loop from scratch and lists what is stored differently
   * from what its facts derive: the stage, the completing release, the
   * blueprints that answer it. Empty means the invariant holds.
   */
  async findStageMismatches(): Promise<StageMismatch[]> {
    const ids = (await this.feedback.filtered(null).select('feedback.id', 'id').orderBy('feedback.id').getRawMany<{ id: number }>()).map(
      (row) => Number(row.id),
    );
    return inChunks(ids, async (chunk) => {
      const mismatches: StageMismatch[] = [];
      const records = await this.facts.load(chunk);
      const answers = await this.answers.findBy({ feedbackId: In(chunk) });
      const openVisits = await this.answers.manager.findBy(LoopStageVisit, { feedbackId: In(chunk), leftAt: IsNull() });
      for (const { item, facts, routes } of records.values()) {
        const derived = deriveStage(facts);
        const stored = answers.filter((row) => row.feedbackId === item.id).map((row) => row.blueprintId).sort((a, b) => a - b);
        const answering = routes.map((route) => route.blueprint.id).sort((a, b) => a - b);
        const compare = (field: string, storedValue: unknown, derivedValue: unknown) => {
          if (JSON.stringify(storedValue) !== JSON.stringify(derivedValue)) {
            mismatches.push({ key: item.key, field, stored: JSON.stringify(storedValue), derived: JSON.stringify(derivedValue) });
          }
        };
        compare('stage', item.stage, derived.stage);
        compare('completedInReleaseId', item.completedInReleaseId, derived.completedInReleaseId);
        compare('answeringBlueprints', stored, answering);
        compare('currentStay', openVisits.filter((visit) => visit.feedbackId === item.id).map((visit) => visit.stage), [derived.stage]);
      }
      return mismatches;
    });
  }
}
