import { Injectable } from '@nestjs/common';
import { In, IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { Role } from '../actors/role';
import { Clock } from '../common/clock';
import { diff } from '../common/diff';
import { assertExpectedVersion, BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { idFromKey } from '../common/keys';
import { LinkStore, linkKey } from '../common/links';
import { Connection, paginate } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { HistoryService } from '../history/history.service';
import { ReleasesService } from '../releases/releases.service';
import { CreateThemeInput, FeedbackThemeLinkInput, ThemesArgs, UpdateThemeInput } from './dto/theme.inputs';
import { FeedbackThemeLink } from './feedback-theme-link.entity';
import { Theme, THEME_KEY_PREFIX } from './theme.entity';
import { THEME_KIND_RANK, ThemeKind, ThemeStatus } from './theme.enums';
import { EventType } from '../history/event-catalogue';

/** The tree is at most this deep, because a parent is always of a broader kind. */
const MAX_DEPTH = Object.keys(THEME_KIND_RANK).length;

@Injectable()
export class ThemesService {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly releases: ReleasesService,
    private readonly actors: ActorsService,
    private readonly history: HistoryService,
    private readonly links: LinkStore,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get themes(): Repository<Theme> {
    return this.tx.repository(Theme);
  }

  findByKey(key: string, field = 'key'): Promise<Theme | null> {
    return this.tx.manager.findOne(Theme, { where: { id: idFromKey(THEME_KEY_PREFIX, key, field) }, ...this.tx.forUpdate() });
  }

  async byKey(key: string, field: string): Promise<Theme> {
    const theme = await this.findByKey(key, field);
    if (!theme) throw new NotFoundError('theme', key, field);
    return theme;
  }

  byIds(ids: readonly number[]): Promise<Theme[]> {
    return ids.length ? this.tx.manager.findBy(Theme, { id: In([...ids]) }) : Promise.resolve([]);
  }

  childrenOf(ids: readonly number[]): Promise<Theme[]> {
    return this.themes.find({ where: { parentId: In([...ids]) }, order: { id: 'ASC' } });
  }

  async list(args: ThemesArgs): Promise<Connection<Theme>> {
    const filter = args.filter;
    const query = this.themes.createQueryBuilder('theme');
    if (filter?.kind) query.andWhere('theme.kind = :kind', { kind: filter.kind });
    if (filter?.status) query.andWhere('theme.status = :status', { status: filter.status });
    if (filter?.rootsOnly) query.andWhere('theme.parentId IS NULL');
    if (filter?.parentKey) {
      query.andWhere('theme.parentId = :parentId', { parentId: idFromKey(THEME_KEY_PREFIX, filter.parentKey, 'filter.parentKey') });
    }
    if (filter?.targetRelease) {
      const release = await this.releases.byName(filter.targetRelease, 'filter.targetRelease');
      query.andWhere('theme.targetReleaseId = :releaseId', { releaseId: release.id });
    }
    if (filter?.ownerEmail) {
      const owner = await this.actors.byEmail(filter.ownerEmail, 'filter.ownerEmail');
      query.andWhere('theme.ownerId = :ownerId', { ownerId: owner.id });
    }
    return paginate(query, args, [{ path: 'theme.id', direction: 'ASC', value: (theme) => theme.id }]);
  }

  create(by: Actor, input: CreateThemeInput): Promise<Theme> {
    return this.tx.run(async () => {
      const parent = input.parentKey ? await this.byKey(input.parentKey, 'input.parentKey') : null;
      if (parent) this.assertParentFits(parent, input.kind, 'input.parentKey');
      const now = this.clock.now();
      const theme = this.tx.manager.create(Theme, {
        title: input.title.trim(),
        description: input.description?.trim() || null,
        kind: input.kind,
        parentId: parent?.id ?? null,
        status: input.status ?? ThemeStatus.ACCEPTED,
        ownerId: input.ownerEmail ? (await this.productManager(input.ownerEmail)).id : by.id,
        targetReleaseId: input.targetRelease ? (await this.releases.byName(input.targetRelease, 'input.targetRelease')).id : null,
        specUrl: input.specUrl ?? null,
        gerritTopic: input.gerritTopic?.trim() || null,
        links: [...new Set(input.links ?? [])],
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await this.tx.manager.save(theme);
      await this.history.record({
        type: EventType.THEME_CREATED,
        recordKey: theme.key,
        actorId: by.id,
        after: { title: theme.title, kind: theme.kind, parentKey: parent?.key ?? null, status: theme.status },
      });
      return theme;
    });
  }

  update(by: Actor, input: UpdateThemeInput): Promise<Theme> {
    return this.tx.run(async () => {
      const theme = await this.byKey(input.key, 'input.key');
      assertExpectedVersion(theme.key, theme.version, input.expectedVersion);
      const changes: Partial<Theme> = {};
      if (input.title) changes.title = input.title.trim();
      if (input.description !== undefined) changes.description = input.description?.trim() || null;
      if (input.kind) changes.kind = input.kind;
      if (input.status) changes.status = input.status;
      if (input.specUrl !== undefined) changes.specUrl = input.specUrl;
      if (input.gerritTopic !== undefined) changes.gerritTopic = input.gerritTopic?.trim() || null;
      if (input.links) changes.links = [...new Set(input.links)];
      if (input.ownerEmail) changes.ownerId = (await this.productManager(input.ownerEmail)).id;
      if (input.targetRelease !== undefined) {
        changes.targetReleaseId = input.targetRelease ? (await this.releases.byName(input.targetRelease, 'input.targetRelease')).id : null;
      }
      if (input.parentKey && input.detachFromParent) {
        throw BadUserInputError.field('input.detachFromParent', 'cannot be given with parentKey');
      }
      if (input.detachFromParent) changes.parentId = null;
      const kind = changes.kind ?? theme.kind;
      const parent = input.parentKey ? await this.byKey(input.parentKey, 'input.parentKey') : null;
      if (parent) {
        this.assertParentFits(parent, kind, 'input.parentKey');
        changes.parentId = parent.id;
      } else if (changes.kind && theme.parentId && !changes.hasOwnProperty('parentId')) {
        const [current] = await this.byIds([theme.parentId]);
        this.assertParentFits(current, kind, 'input.kind');
      }
      if (changes.kind) {
        const children = await this.tx.manager.findBy(Theme, { parentId: theme.id });
        const misfit = children.find((child) => THEME_KIND_RANK[child.kind] <= THEME_KIND_RANK[kind]);
        if (misfit) throw BadUserInputError.field('input.kind', `${misfit.key} (${misfit.kind}) sits under it, so it must stay broader than ${misfit.kind}`);
      }
      const { before, after } = diff(theme, changes);
      if (Object.keys(after).length === 0) return theme;
      const oldParentId = theme.parentId;
      Object.assign(theme, changes, { updatedAt: this.clock.now(), version: theme.version + 1 });
      await this.tx.manager.save(theme);
      const movedInTree = 'parentId' in after;
      await this.history.record({
        type: EventType.THEME_UPDATED,
        recordKey: theme.key,
        actorId: by.id,
        before: await this.described(before),
        after: await this.described(after),
        // The theme, the one it left and the one it joins: the loops above either gain or lose what is below it.
        touches: movedInTree ? { themes: [theme.id, ...[oldParentId, theme.parentId].filter((id): id is number => id !== null)] } : undefined,
      });
      return theme;
    });
  }

  linkFeedback(by: Actor, input: FeedbackThemeLinkInput): Promise<{ feedback: FeedbackItem; theme: Theme }> {
    return this.tx.run(async () => {
      const { item, theme } = await this.linkEnds(input);
      if (item.mergedIntoId) throw new ConflictError(`${item.key} was merged into FB-${item.mergedIntoId}; link that one.`);
      const link = await this.links.add(FeedbackThemeLink, { feedbackId: item.id, themeId: theme.id }, by.id, input.rationale);
      if (!link) throw new ConflictError(`${item.key} is linked to ${theme.key} already.`);
      await this.recordLink(EventType.LINK_CREATED, by, item, theme, link.rationale);
      return { feedback: await this.feedback.reload(item), theme };
    });
  }

  unlinkFeedback(by: Actor, input: FeedbackThemeLinkInput): Promise<{ feedback: FeedbackItem; theme: Theme }> {
    return this.tx.run(async () => {
      const { item, theme } = await this.linkEnds(input);
      const link = await this.links.remove(FeedbackThemeLink, { feedbackId: item.id, themeId: theme.id }, by.id, input.rationale);
      if (!link) throw new NotFoundError('link between', `${item.key} and ${theme.key}`, 'input.themeKey');
      await this.recordLink(EventType.LINK_REMOVED, by, item, theme, link.removalNote);
      return { feedback: await this.feedback.reload(item), theme };
    });
  }

  /**
   * The request and the theme of a link, both locked: the theme first, as a
   * write that changes the theme and then the loops under it locks them
   * (decisions/0013). An unknown request is named before an unknown theme.
   */
  private async linkEnds(input: FeedbackThemeLinkInput): Promise<{ item: FeedbackItem; theme: Theme }> {
    const theme = await this.findByKey(input.themeKey, 'input.themeKey');
    const item = await this.feedback.byKey(input.feedbackKey, 'input.feedbackKey');
    if (!theme) throw new NotFoundError('theme', input.themeKey, 'input.themeKey');
    return { item, theme };
  }

  /** Moves the duplicate's theme links to the survivor of a merge (the duplicate keeps them as removed links). */
  async moveFeedbackLinks(by: Actor, duplicate: FeedbackItem, survivor: FeedbackItem): Promise<void> {
    const themeOf = async (themeId: number) => (await this.byIds([themeId]))[0];
    await this.links.moveToSurvivor(FeedbackThemeLink, 'themeId', by.id, { duplicate, survivor }, {
      removed: async (themeId, link) => void (await this.recordLink(EventType.LINK_REMOVED, by, duplicate, await themeOf(themeId), link.removalNote)),
      added: async (themeId, link) => void (await this.recordLink(EventType.LINK_CREATED, by, survivor, await themeOf(themeId), link.rationale)),
    });
  }

  private recordLink(type: EventType.LINK_CREATED | EventType.LINK_REMOVED, by: Actor, item: FeedbackItem, theme: Theme, rationale: string | null) {
    return this.history.record({
      type,
      recordKey: linkKey(item.key, theme.key),
      otherRecordKeys: [item.key, theme.key],
      actorId: by.id,
      data: { kind: 'feedback-theme', feedbackKey: item.key, themeKey: theme.key, rationale },
      touches: { feedback: [item.id] },
    });
  }

  /** Changed fields as the history keeps them: the parent by its key, the owner by name, the target release by name; never internal ids. */
  private async described(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { parentId, ownerId, ...rest } = await this.releases.withReleaseNames(fields);
    const described: Record<string, unknown> = { ...rest };
    if ('parentId' in fields) described.parentKey = typeof parentId === 'number' ? `${THEME_KEY_PREFIX}${parentId}` : null;
    if ('ownerId' in fields) {
      const [owner] = typeof ownerId === 'number' ? await this.actors.byIds([ownerId]) : [];
      described.owner = owner?.name ?? null;
    }
    return described;
  }

  /** Theme links in force of each feedback item. */
  activeLinksOf(feedbackIds: readonly number[]): Promise<FeedbackThemeLink[]> {
    if (feedbackIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(FeedbackThemeLink, { where: { feedbackId: In([...feedbackIds]), removedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** The themes not archived, narrowed as asked, as a query to count and sample. */
  unarchived(criteria: { excluding?: readonly number[]; within?: readonly number[] | null }): SelectQueryBuilder<Theme> {
    const query = this.themes.createQueryBuilder('theme').where('theme.status <> :archived', { archived: ThemeStatus.ARCHIVED });
    if (criteria.excluding?.length) query.andWhere('theme.id NOT IN (:...excluding)', { excluding: [...criteria.excluding] });
    if (criteria.within) query.andWhere(criteria.within.length ? 'theme.id IN (:...within)' : '1 = 0', { within: [...criteria.within] });
    return query;
  }

  /** Feedback items linked (in force) to any of these themes. */
  async feedbackLinkedTo(themeIds: readonly number[]): Promise<number[]> {
    if (themeIds.length === 0) return [];
    const links = await this.tx.manager.find(FeedbackThemeLink, { where: { themeId: In([...themeIds]), removedAt: IsNull() } });
    return [...new Set(links.map((link) => link.feedbackId))];
  }

  /**
   * Each theme with everything under it: root id → ids of the root and its
   * descendants. One query per level of the shallow tree.
   */
  async subtrees(rootIds: readonly number[]): Promise<Map<number, number[]>> {
    const subtrees = new Map(rootIds.map((id) => [id, [id]]));
    let frontier = new Map(rootIds.map((id) => [id, [id]]));
    for (let depth = 0; depth < MAX_DEPTH && frontier.size > 0; depth++) {
      const children = await this.tx.manager.find(Theme, { select: { id: true, parentId: true }, where: { parentId: In([...frontier.keys()]) } });
      const next = new Map<number, number[]>();
      for (const child of children) {
        for (const root of frontier.get(child.parentId!) ?? []) {
          subtrees.get(root)!.push(child.id);
          next.set(child.id, [...(next.get(child.id) ?? []), root]);
        }
      }
      frontier = next;
    }
    return subtrees;
  }

  /** The themes and every theme above them. */
  /** Each theme with every theme above it: id → the ids of the theme and its ancestors. One query per level of the tree. */
  async ancestry(themeIds: readonly number[]): Promise<Map<number, number[]>> {
    const parentOf = new Map<number, number | null>();
    let frontier = [...new Set(themeIds)];
    for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
      const rows = await this.tx.manager.find(Theme, { select: { id: true, parentId: true }, where: { id: In(frontier) } });
      rows.forEach((row) => parentOf.set(row.id, row.parentId));
      frontier = rows.map((row) => row.parentId).filter((id): id is number => id !== null && !parentOf.has(id));
    }
    const chain = (id: number): number[] => {
      const ids: number[] = [];
      for (let at: number | null | undefined = id; at != null && !ids.includes(at); at = parentOf.get(at)) ids.push(at);
      return ids;
    };
    return new Map(themeIds.map((id) => [id, chain(id)]));
  }

  async withAncestors(themeIds: readonly number[]): Promise<number[]> {
    const found = new Set(themeIds);
    let frontier = [...themeIds];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const rows = await this.tx.manager.find(Theme, { select: { id: true, parentId: true }, where: { id: In(frontier) } });
      frontier = rows.map((row) => row.parentId).filter((id): id is number => id !== null && !found.has(id));
      frontier.forEach((id) => found.add(id));
    }
    return [...found];
  }

  private assertParentFits(parent: Theme, kind: ThemeKind, field: string): void {
    if (THEME_KIND_RANK[parent.kind] >= THEME_KIND_RANK[kind]) {
      throw BadUserInputError.field(field, `${parent.key} is a ${parent.kind}; a ${kind} can only sit under a broader kind`);
    }
  }

  private async productManager(email: string): Promise<Actor> {
    const owner = await this.actors.byEmail(email, 'input.ownerEmail');
    if (owner.role !== Role.PRODUCT_MANAGER && owner.role !== Role.ADMIN) {
      throw BadUserInputError.field('input.ownerEmail', `${owner.email} is ${owner.role}, not a product manager`);
    }
    return owner;
  }
}
