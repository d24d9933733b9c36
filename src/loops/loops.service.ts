import { Injectable } from '@nestjs/common';
import { Brackets, In, IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { inChunks } from '../common/chunks';
import { Clock } from '../common/clock';
import { BadUserInputError, ConflictError, ForbiddenError } from '../common/errors';
import { idFromKey } from '../common/keys';
import { Connection, PageArgs } from '../common/pagination';
import { IdScope, inScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { FEEDBACK_KEY_PREFIX, FeedbackItem } from '../feedback/feedback-item.entity';
import { LoopStage, Resolution, Verdict } from '../feedback/feedback.enums';
import { FeedbackService } from '../feedback/feedback.service';
import { ListingScope } from '../feedback/feedback-listing.entity';
import { FeedbackListings } from '../feedback/feedback-listings';
import { HistoryService } from '../history/history.service';
import { ReleasesService } from '../releases/releases.service';
import { ThemesService } from '../themes/themes.service';
import { CloseLoopInput, LoopFilter, LoopsArgs, MergeFeedbackInput } from './dto/loop.inputs';
import { LoopBlueprint } from './loop-blueprint.entity';
import { LoopStageStay } from './loop-stage-stay.entity';
import { LoopStateStore } from './loop-state';
import { LoopFactsService } from './loop-facts.service';
import { deriveStage } from './stage';
import { EventType } from '../history/event-catalogue';

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
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly releases: ReleasesService,
    private readonly facts: LoopFactsService,
    private readonly loopState: LoopStateStore,
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly listings: FeedbackListings,
  ) {}

  private get answers(): Repository<LoopBlueprint> {
    return this.tx.repository(LoopBlueprint);
  }

  close(by: Actor, input: CloseLoopInput): Promise<FeedbackItem> {
    if (input.resolution === Resolution.DUPLICATE) {
      throw BadUserInputError.field('input.resolution', 'a duplicate is closed by mergeFeedback, which names its survivor');
    }
    return this.tx.run(async () => {
      const item = await this.feedback.byKey(input.key, 'input.key');
      if (item.stage === LoopStage.CLOSED) throw new ConflictError(`${item.key} is closed already (${item.resolution}).`);
      await this.loopState.save(item, {
        resolution: input.resolution,
        resolutionNote: input.note.trim(),
        closedAt: this.clock.now(),
        closedById: by.id,
        verdict: null,
        verdictNote: null,
        verifiedAt: null,
      });
      await this.history.record({
        type: EventType.LOOP_CLOSED,
        recordKey: item.key,
        actorId: by.id,
        before: { resolution: null },
        after: { resolution: input.resolution },
        data: { note: item.resolutionNote },
        touches: { feedback: [item.id] },
      });
      return this.feedback.reload(item);
    });
  }

  /** The requester's last word: CONFIRMED keeps the loop closed, DISPUTED reopens it. */
  verify(by: Actor, key: string, verdict: Verdict, note: string | null | undefined): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.feedback.byKey(key, 'input.key');
      if (item.submitterId !== by.id) throw new ForbiddenError(`Only the submitter of ${item.key} may verify its closure.`);
      if (item.stage !== LoopStage.CLOSED) throw new ConflictError(`${item.key} is not closed; there is no closure to verify.`);
      if (item.verdict) throw new ConflictError(`You answered this closure of ${item.key} already (${item.verdict}).`);
      if (item.resolution === Resolution.DUPLICATE && verdict === Verdict.DISPUTED) {
        throw new ConflictError(`${item.key} was merged into FB-${item.mergedIntoId}; its loop goes on there.`);
      }
      const now = this.clock.now();
      const answer = { verdict, verdictNote: note?.trim() || null, verifiedAt: now };
      const disputed = verdict === Verdict.DISPUTED;
      await this.loopState.save(item, disputed ? { ...answer, ...this.reopened() } : answer);
      await this.history.record({
        type: disputed ? EventType.LOOP_DISPUTED : EventType.LOOP_VERIFIED,
        recordKey: item.key,
        actorId: by.id,
        after: { verdict },
        data: { note: answer.verdictNote },
        touches: { feedback: [item.id] },
      });
      if (disputed) await this.recordReopened(by, item, answer.verdictNote);
      return this.feedback.reload(item);
    });
  }

  reopen(by: Actor, key: string, note: string): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.feedback.byKey(key, 'input.key');
      if (item.stage !== LoopStage.CLOSED) throw new ConflictError(`${item.key} is open.`);
      if (item.mergedIntoId) throw new ConflictError(`${item.key} was merged into FB-${item.mergedIntoId}; its loop goes on there.`);
      await this.loopState.save(item, { ...this.reopened(), verdict: null, verdictNote: null, verifiedAt: null });
      await this.recordReopened(by, item, note.trim());
      return this.feedback.reload(item);
    });
  }

  private reopened() {
    return { resolution: null, resolutionNote: null, closedAt: null, closedById: null };
  }

  private recordReopened(by: Actor, item: FeedbackItem, note: string | null) {
    return this.history.record({
      type: EventType.LOOP_REOPENED,
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
    return this.tx.run(async () => {
      // Lock in id order, so that two merges of the same pair cannot wait on each other.
      const fields = new Map([
        [duplicateId, 'input.duplicateKey'],
        [survivorId, 'input.survivorKey'],
      ]);
      const locked = new Map<number, FeedbackItem>();
      for (const id of [...fields.keys()].sort((a, b) => a - b)) {
        locked.set(id, await this.feedback.byKey(`${FEEDBACK_KEY_PREFIX}${id}`, fields.get(id)!));
      }
      const duplicate = locked.get(duplicateId)!;
      const survivor = locked.get(survivorId)!;
      if (duplicate.mergedIntoId) throw new ConflictError(`${duplicate.key} was merged into FB-${duplicate.mergedIntoId} already.`);
      if (duplicate.stage === LoopStage.CLOSED) throw new ConflictError(`${duplicate.key} is closed; reopen it before merging it.`);
      if (survivor.mergedIntoId) {
        throw new ConflictError(`${survivor.key} was itself merged into FB-${survivor.mergedIntoId}; merge into that one.`);
      }
      const movedVoters = await this.feedback.moveVotes(duplicate, survivor);
      await this.themes.moveFeedbackLinks(by, duplicate, survivor);
      await this.blueprints.moveFeedbackLinks(by, duplicate, survivor);
      const note = input.note?.trim() || `duplicate of ${survivor.key}`;
      await this.loopState.save(duplicate, {
        mergedIntoId: survivor.id,
        resolution: Resolution.DUPLICATE,
        resolutionNote: note,
        closedAt: this.clock.now(),
        closedById: by.id,
        verdict: null,
        verdictNote: null,
        verifiedAt: null,
      });
      await this.history.record({
        type: EventType.FEEDBACK_MERGED,
        recordKey: duplicate.key,
        otherRecordKeys: [survivor.key],
        actorId: by.id,
        before: { mergedInto: null, survivorVoteCount: survivor.voteCount - movedVoters.length },
        after: { mergedInto: survivor.key, survivorVoteCount: survivor.voteCount },
        data: { duplicateKey: duplicate.key, survivorKey: survivor.key, movedVotes: movedVoters.length, note },
        touches: { feedback: [duplicate.id, survivor.id] },
      });
      await this.history.record({
        type: EventType.LOOP_CLOSED,
        recordKey: duplicate.key,
        actorId: by.id,
        before: { resolution: null },
        after: { resolution: Resolution.DUPLICATE },
        data: { note, survivorKey: survivor.key },
        touches: { feedback: [duplicate.id] },
      });
      return { duplicate: await this.feedback.reload(duplicate), survivor: await this.feedback.reload(survivor) };
    });
  }

  async list(args: LoopsArgs): Promise<Connection<FeedbackItem>> {
    return this.feedback.page(await this.filtered(args.filter), args, args.orderBy);
  }

  /** Loops linked to the theme or to one of its sub-themes. */
  async ofTheme(themeId: number, page: PageArgs): Promise<Connection<FeedbackItem>> {
    return this.feedback.page(this.listings.narrow(this.feedback.filtered(null), ListingScope.theme(themeId)), page);
  }

  /** The loops a blueprint answers: who asked for this work. */
  requestsOf(blueprintId: number, page: PageArgs): Promise<Connection<FeedbackItem>> {
    const query = this.feedback.filtered(null).andWhere(...inScope('feedback.id', this.answeredBy([blueprintId])));
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
    // Filters through other tables read the loops' listings (decisions/0015): the first one narrowing the query gives the page its order.
    if (filter?.project) this.listings.narrow(query, ListingScope.project(filter.project));
    if (filter?.themeKey) {
      const theme = await this.themes.byKey(filter.themeKey, 'filter.themeKey');
      this.listings.narrow(query, ListingScope.theme(theme.id));
    }
    if (filter?.release) {
      const release = await this.releases.byName(filter.release, 'filter.release');
      this.listings.narrow(query, ListingScope.release(release.id));
    }
    if (filter?.stalledForDays !== undefined && filter?.stalledForDays !== null) this.loopState.whereStalled(query, filter.stalledForDays);
    return query;
  }

  /** Scope: the loops answered by one of these blueprints (through a theme or directly), by their ids or a scope of theirs. */
  answeredBy(blueprints: readonly number[] | IdScope): IdScope {
    const query = this.answers.createQueryBuilder('answer').select('answer.feedbackId');
    if (Array.isArray(blueprints)) return query.where(blueprints.length ? 'answer.blueprintId IN (:...answering)' : '1 = 0', { answering: [...blueprints] });
    return query.where(...inScope('answer.blueprintId', blueprints as IdScope));
  }

  /** The loops these blueprints answer. */
  async answeredIds(blueprintIds: readonly number[]): Promise<number[]> {
    if (blueprintIds.length === 0) return [];
    const rows = await this.answers.find({ select: { feedbackId: true }, where: { blueprintId: In([...blueprintIds]) } });
    return [...new Set(rows.map((row) => row.feedbackId))];
  }

  /** Every loop, by id. */
  async allIds(): Promise<number[]> {
    const rows = await this.feedback.filtered(null).select('feedback.id', 'id').orderBy('feedback.id').getRawMany<{ id: number }>();
    return rows.map((row) => Number(row.id));
  }

  /** Scope: the blueprints that answer at least one loop. */
  answering(): IdScope {
    return this.answers.createQueryBuilder('answering').select('answering.blueprintId');
  }

  /** The stays of these loops in their stages, oldest first, as the stage projector keeps them. */
  stays(feedbackIds: readonly number[]): Promise<LoopStageStay[]> {
    if (feedbackIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(LoopStageStay, { where: { feedbackId: In([...feedbackIds]) }, order: { id: 'ASC' } });
  }

  /** The projects these loops concern: those the requests name and those of the blueprints answering them. */
  async projectsOf(feedbackIds: readonly number[]): Promise<string[]> {
    const ids = [...feedbackIds];
    // One after the other: inside a transaction both run on its one connection.
    const named = await this.feedback.facetsOf(ids);
    const answers = await this.answers.find({ select: { blueprintId: true }, where: { feedbackId: In(ids) } });
    const answering = await this.blueprints.projectsOf([...new Set(answers.map((answer) => answer.blueprintId))]);
    return [...new Set([...named.flatMap((facet) => facet.projects), ...answering])];
  }

  /**
   * Recomputes every loop from scratch and lists what is stored differently
   * from what its facts derive: the stage, the completing release, the
   * blueprints that answer it. Empty means the invariant holds.
   */
  async findStageMismatches(): Promise<StageMismatch[]> {
    return inChunks(await this.allIds(), async (chunk) => {
      const mismatches: StageMismatch[] = [];
      const records = await this.facts.load(chunk);
      const answers = await this.answers.findBy({ feedbackId: In(chunk) });
      const currentStays = await this.tx.manager.findBy(LoopStageStay, { feedbackId: In(chunk), leftAt: IsNull() });
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
        compare('currentStay', currentStays.filter((stay) => stay.feedbackId === item.id).map((stay) => stay.stage), [derived.stage]);
      }
      return mismatches;
    });
  }
}
