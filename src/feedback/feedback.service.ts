import { Injectable } from '@nestjs/common';
import { In, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { Role } from '../actors/role';
import { Clock } from '../common/clock';
import { isScope } from '../common/scopes';
import { diff } from '../common/diff';
import { assertExpectedVersion, ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { idFromKey } from '../common/keys';
import { groupByKeys } from '../common/loaders';
import { Connection, OrderDirection, PageArgs, paginate, SortKey } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { HistoryService } from '../history/history.service';
import { FeedbackFilter, FeedbackItemsArgs, FeedbackOrder, FeedbackOrderField, SubmitFeedbackInput, UpdateFeedbackInput } from './dto/feedback.inputs';
import { FeedbackProject, FeedbackTag } from './feedback-facet.entity';
import { FEEDBACK_KEY_PREFIX, FeedbackItem } from './feedback-item.entity';
import { FeedbackVote } from './feedback-vote.entity';
import { ListingScope } from './feedback-listing.entity';
import { FeedbackListings } from './feedback-listings';
import { LoopStage } from './feedback.enums';
import { EventType } from '../history/event-catalogue';

const ORDER_PATHS: Record<FeedbackOrderField, SortKey<FeedbackItem>> = {
  [FeedbackOrderField.CREATED_AT]: { path: 'feedback.createdAt', direction: 'DESC', value: (item) => item.createdAt },
  [FeedbackOrderField.VOTES]: { path: 'feedback.voteCount', direction: 'DESC', value: (item) => item.voteCount },
  [FeedbackOrderField.STAGE_ENTERED_AT]: { path: 'feedback.stageEnteredAt', direction: 'DESC', value: (item) => item.stageEnteredAt },
  [FeedbackOrderField.LAST_EVENT_AT]: { path: 'feedback.lastEventAt', direction: 'DESC', value: (item) => item.lastEventAt },
};

/** Tags and projects are sets: the same names in another order are no change. */
const sameNames = (given: string[], stored: string[]) => JSON.stringify([...new Set(given)].sort()) === JSON.stringify(stored);

/** The keyset ordering for a field and direction; the id breaks ties. */
export function feedbackOrder(field: FeedbackOrderField, direction: OrderDirection): SortKey<FeedbackItem>[] {
  return [
    { ...ORDER_PATHS[field], direction },
    { path: 'feedback.id', direction, value: (item) => item.id },
  ];
}

@Injectable()
export class FeedbackService {
  constructor(
    private readonly history: HistoryService,
    private readonly actors: ActorsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly listings: FeedbackListings,
  ) {}

  private get items(): Repository<FeedbackItem> {
    return this.tx.repository(FeedbackItem);
  }

  private get votes(): Repository<FeedbackVote> {
    return this.tx.repository(FeedbackVote);
  }

  async findByKey(key: string, field = 'key'): Promise<FeedbackItem | null> {
    const item = await this.tx.manager.findOne(FeedbackItem, { where: { id: idFromKey(FEEDBACK_KEY_PREFIX, key, field) }, ...this.tx.forUpdate() });
    if (item) this.tx.holdsRows(FeedbackItem, [item.id]);
    return item;
  }

  /** The item named by the key, locked for the transaction on engines with row locks. */
  async byKey(key: string, field = 'key'): Promise<FeedbackItem> {
    const item = await this.findByKey(key, field);
    if (!item) throw new NotFoundError('feedback', key, field);
    return item;
  }

  byIds(ids: readonly number[]): Promise<FeedbackItem[]> {
    return ids.length ? this.tx.manager.findBy(FeedbackItem, { id: In([...ids]) }) : Promise.resolve([]);
  }

  /** A query over feedback items with the filters every list of items and loops shares. */
  filtered(filter: FeedbackFilter | null | undefined): SelectQueryBuilder<FeedbackItem> {
    const query = this.items.createQueryBuilder('feedback');
    if (filter?.origin) query.andWhere('feedback.origin = :origin', { origin: filter.origin });
    if (filter?.stage) query.andWhere('feedback.stage = :stage', { stage: filter.stage });
    if (filter?.organization) query.andWhere('feedback.organization = :organization', { organization: filter.organization });
    if (filter?.project) this.listings.narrow(query, ListingScope.namedProject(filter.project));
    if (filter?.tag) this.listings.narrow(query, ListingScope.tag(filter.tag));
    if (filter?.submitterEmail) query.andWhere(...isScope('feedback.submitterId', this.actors.withEmail(filter.submitterEmail)));
    return query;
  }

  list(args: FeedbackItemsArgs): Promise<Connection<FeedbackItem>> {
    return this.page(this.filtered(args.filter), args, args.orderBy);
  }

  /** A page of items in the requested order (newest first by default); a query narrowed by a listing is read in the listing's copy of the order. */
  page(query: SelectQueryBuilder<FeedbackItem>, page: PageArgs, orderBy?: FeedbackOrder | null): Promise<Connection<FeedbackItem>> {
    const order = orderBy ?? { field: FeedbackOrderField.CREATED_AT, direction: OrderDirection.DESC };
    return paginate(query, page, this.listings.orderFor(query, order.field, order.direction) ?? feedbackOrder(order.field, order.direction));
  }

  submit(by: Actor, input: SubmitFeedbackInput): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const now = this.clock.now();
      const item = this.tx.manager.create(FeedbackItem, {
        title: input.title.trim(),
        body: input.body ?? '',
        origin: input.origin,
        submitterId: by.id,
        // Left out, it is the submitter's organization; given as null (an import of a source that names none), none.
        organization: input.organization === undefined ? by.organization : input.organization?.trim() || null,
        releaseInUse: input.releaseInUse?.trim() || null,
        sourceUrl: input.sourceUrl ?? null,
        sourceLine: input.sourceUrl ? (input.sourceLine ?? null) : null,
        voteCount: 0,
        importedVotes: 0,
        triagedAt: null,
        triagedById: null,
        triageNote: null,
        mergedIntoId: null,
        stage: LoopStage.REQUESTED,
        stageEnteredAt: now,
        completedInReleaseId: null,
        lastEventAt: now,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await this.tx.manager.save(item);
      this.tx.holdsRows(FeedbackItem, [item.id]);
      await this.addFacets(item.id, input.projects ?? [], input.tags ?? []);
      await this.history.record({
        type: EventType.FEEDBACK_SUBMITTED,
        recordKey: item.key,
        actorId: by.id,
        after: { title: item.title, origin: item.origin, projects: input.projects ?? [], tags: input.tags ?? [] },
        touches: { feedback: [item.id] },
      });
      return this.reload(item);
    });
  }

  /** Submitters may edit their own feedback while its loop is open; product managers may edit any. */
  update(by: Actor, input: UpdateFeedbackInput): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.byKey(input.key, 'input.key');
      const manages = by.role === Role.PRODUCT_MANAGER || by.role === Role.ADMIN;
      if (!manages && item.submitterId !== by.id) throw new ForbiddenError(`${item.key} is not yours to edit.`);
      if (!manages && item.stage === LoopStage.CLOSED) throw new ForbiddenError(`${item.key} is closed; only open feedback can be edited.`);
      assertExpectedVersion(item.key, item.version, input.expectedVersion);
      const changes: Partial<FeedbackItem> = {};
      if (input.title) changes.title = input.title.trim();
      if (input.body !== undefined && input.body !== null) changes.body = input.body;
      if (input.origin) changes.origin = input.origin;
      if (input.organization !== undefined) changes.organization = input.organization?.trim() || null;
      if (input.releaseInUse !== undefined) changes.releaseInUse = input.releaseInUse?.trim() || null;
      if (input.sourceUrl !== undefined) changes.sourceUrl = input.sourceUrl;
      const { before, after } = diff(item, changes);
      const [facets] = await this.facetsOf([item.id]);
      if (input.projects && !sameNames(input.projects, facets.projects)) {
        before.projects = facets.projects;
        after.projects = input.projects;
      }
      if (input.tags && !sameNames(input.tags, facets.tags)) {
        before.tags = facets.tags;
        after.tags = input.tags;
      }
      if (Object.keys(after).length === 0) return item;
      Object.assign(item, changes, { updatedAt: this.clock.now(), version: item.version + 1 });
      await this.tx.manager.save(item);
      await this.replaceFacets(item.id, input.projects ?? facets.projects, input.tags ?? facets.tags);
      await this.history.record({
        type: EventType.FEEDBACK_UPDATED,
        recordKey: item.key,
        actorId: by.id,
        before,
        after,
        touches: { feedback: [item.id] },
      });
      return this.reload(item);
    });
  }

  vote(by: Actor, key: string): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.byKey(key, 'input.key');
      if (item.mergedIntoId) {
        throw new ConflictError(`${item.key} was merged into ${FEEDBACK_KEY_PREFIX}${item.mergedIntoId}; vote for that one.`);
      }
      if (item.submitterId === by.id) throw new ConflictError(`You submitted ${item.key}; your request counts already.`);
      if (await this.tx.manager.existsBy(FeedbackVote, { feedbackId: item.id, actorId: by.id })) {
        throw new ConflictError(`You voted for ${item.key} already.`);
      }
      await this.tx.manager.insert(FeedbackVote, { feedbackId: item.id, actorId: by.id, createdAt: this.clock.now(), mergedFromId: null });
      await this.recountVotes(item);
      await this.history.record({
        type: EventType.FEEDBACK_VOTED,
        recordKey: item.key,
        actorId: by.id,
        before: { voteCount: item.voteCount - 1 },
        after: { voteCount: item.voteCount },
        touches: { feedback: [item.id] },
      });
      return this.reload(item);
    });
  }

  triage(by: Actor, key: string, note: string | null | undefined): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.byKey(key, 'input.key');
      if (item.stage === LoopStage.CLOSED) throw new ConflictError(`${item.key} is closed; reopen it to triage it again.`);
      if (item.triagedAt) throw new ConflictError(`${item.key} was triaged already, on ${item.triagedAt.toISOString()}.`);
      const now = this.clock.now();
      Object.assign(item, { triagedAt: now, triagedById: by.id, triageNote: note?.trim() || null, updatedAt: now, version: item.version + 1 });
      await this.tx.manager.save(item);
      await this.history.record({
        type: EventType.LOOP_TRIAGED,
        recordKey: item.key,
        actorId: by.id,
        before: { triagedAt: null },
        after: { triagedAt: now.toISOString() },
        data: { note: item.triageNote },
        touches: { feedback: [item.id] },
      });
      return this.reload(item);
    });
  }

  /** The item as stored now, with whatever the stage projector wrote in this transaction. */
  reload(item: FeedbackItem): Promise<FeedbackItem> {
    return this.tx.manager.findOneByOrFail(FeedbackItem, { id: item.id });
  }

  /**
   * Gives the survivor of a merge the duplicate's voices: its voters and its
   * submitter, each once, and never the survivor's own submitter, and the
   * +1s of its imported source. The duplicate's votes stay where they were,
   * as history.
   */
  async moveVotes(duplicate: FeedbackItem, survivor: FeedbackItem): Promise<number[]> {
    const voters = await this.tx.manager.findBy(FeedbackVote, { feedbackId: duplicate.id });
    const already = new Set((await this.tx.manager.findBy(FeedbackVote, { feedbackId: survivor.id })).map((vote) => vote.actorId));
    already.add(survivor.submitterId);
    const moving = [...new Set([duplicate.submitterId, ...voters.map((vote) => vote.actorId)])].filter((id) => !already.has(id));
    const now = this.clock.now();
    for (const actorId of moving) {
      await this.tx.manager.insert(FeedbackVote, { feedbackId: survivor.id, actorId, createdAt: now, mergedFromId: duplicate.id });
    }
    if (duplicate.importedVotes) {
      survivor.importedVotes += duplicate.importedVotes;
      await this.tx.manager.update(FeedbackItem, { id: survivor.id }, { importedVotes: survivor.importedVotes });
    }
    await this.recountVotes(survivor);
    return moving;
  }

  /** Sets the +1s counted in an imported source (they have no voter); the vote count follows. */
  setImportedVotes(by: Actor, key: string, importedVotes: number): Promise<FeedbackItem> {
    return this.tx.run(async () => {
      const item = await this.byKey(key, 'key');
      if (item.importedVotes === importedVotes) return item;
      const before = { importedVotes: item.importedVotes, voteCount: item.voteCount };
      item.importedVotes = importedVotes;
      await this.tx.manager.update(FeedbackItem, { id: item.id }, { importedVotes });
      await this.recountVotes(item);
      await this.history.record({
        type: EventType.FEEDBACK_VOTES_IMPORTED,
        recordKey: item.key,
        actorId: by.id,
        before,
        after: { importedVotes, voteCount: item.voteCount },
        touches: { feedback: [item.id] },
      });
      return this.reload(item);
    });
  }

  private async recountVotes(item: FeedbackItem): Promise<void> {
    item.voteCount = (await this.tx.manager.countBy(FeedbackVote, { feedbackId: item.id })) + item.importedVotes;
    await this.tx.manager.update(FeedbackItem, { id: item.id }, { voteCount: item.voteCount });
  }

  private async replaceFacets(feedbackId: number, projects: string[], tags: string[]): Promise<void> {
    await this.tx.manager.delete(FeedbackProject, { feedbackId });
    await this.tx.manager.delete(FeedbackTag, { feedbackId });
    await this.addFacets(feedbackId, projects, tags);
  }

  private async addFacets(feedbackId: number, projects: string[], tags: string[]): Promise<void> {
    if (projects.length) await this.tx.manager.insert(FeedbackProject, projects.map((project) => ({ feedbackId, project })));
    if (tags.length) await this.tx.manager.insert(FeedbackTag, tags.map((tag) => ({ feedbackId, tag })));
  }

  /** Projects and tags of each item, in the order of the ids. */
  async facetsOf(ids: readonly number[]): Promise<Array<{ projects: string[]; tags: string[] }>> {
    // One after the other: inside a transaction both run on its one connection.
    const projects = await this.tx.manager.find(FeedbackProject, { where: { feedbackId: In([...ids]) }, order: { project: 'ASC' } });
    const tags = await this.tx.manager.find(FeedbackTag, { where: { feedbackId: In([...ids]) }, order: { tag: 'ASC' } });
    const projectsById = groupByKeys(ids, projects, (row) => row.feedbackId);
    const tagsById = groupByKeys(ids, tags, (row) => row.feedbackId);
    return ids.map((_id, index) => ({
      projects: projectsById[index].map((row) => row.project),
      tags: tagsById[index].map((row) => row.tag),
    }));
  }

  /** The tags of an item, in order. */
  async tagsOf(id: number): Promise<string[]> {
    return (await this.tx.manager.find(FeedbackTag, { where: { feedbackId: id }, order: { tag: 'ASC' } })).map((row) => row.tag);
  }

  /** Who voted for the item, oldest vote first. */
  async voterIds(feedbackId: number): Promise<number[]> {
    const votes = await this.tx.manager.find(FeedbackVote, { where: { feedbackId }, order: { id: 'ASC' } });
    return votes.map((vote) => vote.actorId);
  }

  /** Which of these items the actor voted for. */
  async votedBy(actorId: number, ids: readonly number[]): Promise<Set<number>> {
    const rows = await this.votes.findBy({ actorId, feedbackId: In([...ids]) });
    return new Set(rows.map((row) => row.feedbackId));
  }
}
