import { Injectable } from '@nestjs/common';
import { Brackets, In, IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { Clock } from '../common/clock';
import { diff } from '../common/diff';
import { assertExpectedVersion, BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { idFromKey } from '../common/keys';
import { LinkStore, linkKey } from '../common/links';
import { Connection, paginate } from '../common/pagination';
import { IdScope, inScope, notInScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { HistoryService } from '../history/history.service';
import { ReleasesService } from '../releases/releases.service';
import { THEME_KEY_PREFIX, Theme } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { FeedbackBlueprintLink, ThemeBlueprintLink } from './blueprint-links.entity';
import { Blueprint } from './blueprint.entity';
import { BlueprintPriority, DefinitionStatus, ImplementationStatus } from './blueprint.enums';
import { BlueprintLinkInput, BlueprintsArgs, CreateBlueprintInput, UpdateBlueprintInput } from './dto/blueprint.inputs';
import { EventType } from '../history/event-catalogue';

export interface BlueprintLinkResult {
  blueprint: Blueprint;
  theme: Theme | null;
  feedback: FeedbackItem | null;
}

/** Fields whose change can move the loops a blueprint answers. */
const STAGE_FIELDS = ['definitionStatus', 'implementationStatus'];

@Injectable()
export class BlueprintsService {
  constructor(
    private readonly themes: ThemesService,
    private readonly feedback: FeedbackService,
    private readonly releases: ReleasesService,
    private readonly history: HistoryService,
    private readonly links: LinkStore,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get blueprints(): Repository<Blueprint> {
    return this.tx.repository(Blueprint);
  }

  findByName(project: string, name: string): Promise<Blueprint | null> {
    return this.tx.manager.findOne(Blueprint, { where: { project: project.toLowerCase(), name: name.toLowerCase() }, ...this.tx.forUpdate() });
  }

  async byName(project: string, name: string): Promise<Blueprint> {
    const blueprint = await this.findByName(project, name);
    if (!blueprint) throw new NotFoundError('blueprint', `${project}/${name}`, 'input.name');
    return blueprint;
  }

  byIds(ids: readonly number[]): Promise<Blueprint[]> {
    return ids.length ? this.tx.manager.findBy(Blueprint, { id: In([...ids]) }) : Promise.resolve([]);
  }

  async list(args: BlueprintsArgs): Promise<Connection<Blueprint>> {
    const filter = args.filter;
    const query = this.blueprints.createQueryBuilder('blueprint');
    if (filter?.project) query.andWhere('blueprint.project = :project', { project: filter.project.toLowerCase() });
    if (filter?.definitionStatus) query.andWhere('blueprint.definitionStatus = :definition', { definition: filter.definitionStatus });
    if (filter?.implementationStatus) {
      query.andWhere('blueprint.implementationStatus = :implementation', { implementation: filter.implementationStatus });
    }
    if (filter?.priority) query.andWhere('blueprint.priority = :priority', { priority: filter.priority });
    if (filter?.targetRelease) {
      const release = await this.releases.byName(filter.targetRelease, 'filter.targetRelease');
      query.andWhere('blueprint.targetReleaseId = :releaseId', { releaseId: release.id });
    }
    if (filter?.themeKey) query.andWhere(...inScope('blueprint.id', this.linkedToThemes([idFromKey(THEME_KEY_PREFIX, filter.themeKey, 'filter.themeKey')])));
    return paginate(query, args, [
      { path: 'blueprint.project', direction: 'ASC', value: (blueprint) => blueprint.project },
      { path: 'blueprint.name', direction: 'ASC', value: (blueprint) => blueprint.name },
      { path: 'blueprint.id', direction: 'ASC', value: (blueprint) => blueprint.id },
    ]);
  }

  /** Scope: the blueprints of this project. */
  inProject(project: string): IdScope {
    return this.tx.manager
      .createQueryBuilder(Blueprint, 'ofProject')
      .select('ofProject.id')
      .where('ofProject.project = :blueprintProject', { blueprintProject: project.toLowerCase() });
  }

  /** Scope: the blueprints that target this release. */
  targeting(releaseId: number): IdScope {
    return this.tx.manager
      .createQueryBuilder(Blueprint, 'targeting')
      .select('targeting.id')
      .where('targeting.targetReleaseId = :blueprintTarget', { blueprintTarget: releaseId });
  }

  /** Scope: the blueprints linked (in force) to any of these themes. */
  linkedToThemes(themeIds: readonly number[]): IdScope {
    return this.tx.manager
      .createQueryBuilder(ThemeBlueprintLink, 'themeLink')
      .select('themeLink.blueprintId')
      .where('themeLink.removedAt IS NULL')
      .andWhere(themeIds.length ? 'themeLink.themeId IN (:...blueprintThemes)' : '1 = 0', { blueprintThemes: [...themeIds] });
  }

  /** The blueprint and release of each target, as rows (blueprint_id, release_id), for a union with other such pairs. */
  targetPairs(): IdScope {
    return this.tx.manager
      .createQueryBuilder(Blueprint, 'targetPair')
      .select('targetPair.id', 'blueprint_id')
      .addSelect('targetPair.targetReleaseId', 'release_id')
      .where('targetPair.targetReleaseId IS NOT NULL');
  }

  /**
   * The blueprints still in play (neither obsolete nor superseded), narrowed
   * as asked, as a query to count and sample: those in none of `outside`,
   * and, for each list of `within`, in at least one scope of it.
   */
  inPlay(criteria: { project?: string | null; outside?: IdScope[]; within?: IdScope[][] }): SelectQueryBuilder<Blueprint> {
    const query = this.blueprints
      .createQueryBuilder('blueprint')
      .where('blueprint.definitionStatus NOT IN (:...retired)', { retired: [DefinitionStatus.OBSOLETE, DefinitionStatus.SUPERSEDED] });
    if (criteria.project) query.andWhere('blueprint.project = :project', { project: criteria.project.toLowerCase() });
    for (const scope of criteria.outside ?? []) query.andWhere(...notInScope('blueprint.id', scope));
    for (const anyOf of criteria.within ?? []) {
      query.andWhere(new Brackets((either) => anyOf.forEach((scope) => either.orWhere(...inScope('blueprint.id', scope)))));
    }
    return query;
  }

  /** The themes with a blueprint linked to them (in force). */
  async themesWithBlueprints(): Promise<number[]> {
    const rows = await this.tx.manager
      .createQueryBuilder(ThemeBlueprintLink, 'link')
      .select('DISTINCT link.themeId', 'themeId')
      .where('link.removedAt IS NULL')
      .getRawMany<{ themeId: number }>();
    return rows.map((row) => Number(row.themeId));
  }

  /** The projects of these blueprints. */
  async projectsOf(blueprintIds: readonly number[]): Promise<string[]> {
    if (blueprintIds.length === 0) return [];
    const rows = await this.tx.manager
      .createQueryBuilder(Blueprint, 'blueprint')
      .select('DISTINCT blueprint.project', 'project')
      .where('blueprint.id IN (:...blueprintIds)', { blueprintIds: [...blueprintIds] })
      .getRawMany<{ project: string }>();
    return rows.map((row) => row.project);
  }

  create(by: Actor, input: CreateBlueprintInput): Promise<Blueprint> {
    return this.tx.run(async () => {
      const project = input.project.toLowerCase();
      const name = input.name.toLowerCase();
      if (await this.findByName(project, name)) throw new ConflictError(`Blueprint ${project}/${name} exists already.`);
      const now = this.clock.now();
      const blueprint = this.tx.manager.create(Blueprint, {
        project,
        name,
        title: input.title.trim(),
        url: input.url ?? null,
        specUrl: input.specUrl ?? null,
        gerritTopic: input.gerritTopic?.trim() || null,
        definitionStatus: input.definitionStatus ?? DefinitionStatus.NEW,
        implementationStatus: input.implementationStatus ?? ImplementationStatus.UNKNOWN,
        priority: input.priority ?? BlueprintPriority.UNDEFINED,
        assignee: input.assignee?.trim() || null,
        targetReleaseId: input.targetRelease ? (await this.releases.byName(input.targetRelease, 'input.targetRelease')).id : null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await this.tx.manager.save(blueprint);
      await this.history.record({
        type: EventType.BLUEPRINT_CREATED,
        recordKey: blueprint.key,
        actorId: by.id,
        after: {
          title: blueprint.title,
          definitionStatus: blueprint.definitionStatus,
          implementationStatus: blueprint.implementationStatus,
          priority: blueprint.priority,
          targetRelease: input.targetRelease ?? null,
        },
      });
      return blueprint;
    });
  }

  /** A status change moves every loop the blueprint answers, in this same transaction. */
  update(by: Actor, input: UpdateBlueprintInput): Promise<Blueprint> {
    return this.tx.run(async () => {
      const blueprint = await this.byName(input.project, input.name);
      assertExpectedVersion(blueprint.key, blueprint.version, input.expectedVersion);
      const changes: Partial<Blueprint> = {};
      if (input.title) changes.title = input.title.trim();
      if (input.url !== undefined) changes.url = input.url;
      if (input.specUrl !== undefined) changes.specUrl = input.specUrl;
      if (input.gerritTopic !== undefined) changes.gerritTopic = input.gerritTopic?.trim() || null;
      if (input.priority) changes.priority = input.priority;
      if (input.definitionStatus) changes.definitionStatus = input.definitionStatus;
      if (input.implementationStatus) changes.implementationStatus = input.implementationStatus;
      if (input.assignee !== undefined) changes.assignee = input.assignee?.trim() || null;
      if (input.targetRelease !== undefined) {
        changes.targetReleaseId = input.targetRelease ? (await this.releases.byName(input.targetRelease, 'input.targetRelease')).id : null;
      }
      const { before, after } = diff(blueprint, changes);
      if (Object.keys(after).length === 0) return blueprint;
      Object.assign(blueprint, changes, { updatedAt: this.clock.now(), version: blueprint.version + 1 });
      await this.tx.manager.save(blueprint);
      await this.history.record({
        type: EventType.BLUEPRINT_UPDATED,
        recordKey: blueprint.key,
        actorId: by.id,
        before: await this.releases.withReleaseNames(before),
        after: await this.releases.withReleaseNames(after),
        touches: STAGE_FIELDS.some((field) => field in after) ? { blueprints: [blueprint.id] } : undefined,
      });
      return blueprint;
    });
  }

  link(by: Actor, input: BlueprintLinkInput): Promise<BlueprintLinkResult> {
    return this.tx.run(async () => {
      const { blueprint, theme, feedback } = await this.linkEnds(input);
      const link = theme
        ? await this.links.add(ThemeBlueprintLink, { themeId: theme.id, blueprintId: blueprint.id }, by.id, input.rationale)
        : await this.links.add(FeedbackBlueprintLink, { feedbackId: feedback!.id, blueprintId: blueprint.id }, by.id, input.rationale);
      if (!link) throw new ConflictError(`${blueprint.key} is linked to ${theme?.key ?? feedback!.key} already.`);
      await this.recordLink(EventType.LINK_CREATED, by, blueprint, theme, feedback, link.rationale);
      return { blueprint, theme, feedback: feedback && (await this.feedback.reload(feedback)) };
    });
  }

  unlink(by: Actor, input: BlueprintLinkInput): Promise<BlueprintLinkResult> {
    return this.tx.run(async () => {
      const { blueprint, theme, feedback } = await this.linkEnds(input);
      const link = theme
        ? await this.links.remove(ThemeBlueprintLink, { themeId: theme.id, blueprintId: blueprint.id }, by.id, input.rationale)
        : await this.links.remove(FeedbackBlueprintLink, { feedbackId: feedback!.id, blueprintId: blueprint.id }, by.id, input.rationale);
      if (!link) throw new NotFoundError('link between', `${blueprint.key} and ${theme?.key ?? feedback!.key}`, theme ? 'input.themeKey' : 'input.feedbackKey');
      await this.recordLink(EventType.LINK_REMOVED, by, blueprint, theme, feedback, link.removalNote);
      return { blueprint, theme, feedback: feedback && (await this.feedback.reload(feedback)) };
    });
  }

  private async linkEnds(input: BlueprintLinkInput): Promise<BlueprintLinkResult> {
    if (Boolean(input.themeKey) === Boolean(input.feedbackKey)) {
      throw new BadUserInputError([
        { field: 'input.themeKey', message: 'give either themeKey or feedbackKey' },
        { field: 'input.feedbackKey', message: 'give either themeKey or feedbackKey' },
      ]);
    }
    const blueprint = await this.byName(input.project, input.name);
    const theme = input.themeKey ? await this.themes.byKey(input.themeKey, 'input.themeKey') : null;
    const feedback = input.feedbackKey ? await this.feedback.byKey(input.feedbackKey, 'input.feedbackKey') : null;
    if (feedback?.mergedIntoId) throw new ConflictError(`${feedback.key} was merged into FB-${feedback.mergedIntoId}; link that one.`);
    return { blueprint, theme, feedback };
  }

  private recordLink(
    type: EventType.LINK_CREATED | EventType.LINK_REMOVED,
    by: Actor,
    blueprint: Blueprint,
    theme: Theme | null,
    feedback: FeedbackItem | null,
    rationale: string | null,
  ) {
    const other = theme?.key ?? feedback!.key;
    return this.history.record({
      type,
      recordKey: linkKey(other, blueprint.key),
      otherRecordKeys: [other, blueprint.key],
      actorId: by.id,
      data: {
        kind: theme ? 'theme-blueprint' : 'feedback-blueprint',
        blueprintKey: blueprint.key,
        ...(theme ? { themeKey: theme.key } : { feedbackKey: feedback!.key }),
        rationale,
      },
      touches: theme ? { themes: [theme.id] } : { feedback: [feedback!.id] },
    });
  }

  /** Moves the duplicate's direct blueprint links to the survivor of a merge (the duplicate keeps them as removed links). */
  async moveFeedbackLinks(by: Actor, duplicate: FeedbackItem, survivor: FeedbackItem): Promise<void> {
    const blueprintOf = async (blueprintId: number) => (await this.byIds([blueprintId]))[0];
    await this.links.moveToSurvivor(FeedbackBlueprintLink, 'blueprintId', by.id, { duplicate, survivor }, {
      removed: async (blueprintId, link) => void (await this.recordLink(EventType.LINK_REMOVED, by, await blueprintOf(blueprintId), null, duplicate, link.removalNote)),
      added: async (blueprintId, link) => void (await this.recordLink(EventType.LINK_CREATED, by, await blueprintOf(blueprintId), null, survivor, link.rationale)),
    });
  }

  /** Theme → blueprint links in force for these themes. */
  themeLinks(themeIds: readonly number[]): Promise<ThemeBlueprintLink[]> {
    if (themeIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(ThemeBlueprintLink, { where: { themeId: In([...themeIds]), removedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** Theme → blueprint links in force for these blueprints. */
  themeLinksOfBlueprints(blueprintIds: readonly number[]): Promise<ThemeBlueprintLink[]> {
    if (blueprintIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(ThemeBlueprintLink, { where: { blueprintId: In([...blueprintIds]), removedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** Direct feedback → blueprint links in force, by feedback or by blueprint. */
  feedbackLinks(
    by: { feedbackIds?: readonly number[]; blueprintIds?: readonly number[] },
  ): Promise<FeedbackBlueprintLink[]> {
    const where = by.feedbackIds ? { feedbackId: In([...by.feedbackIds]) } : { blueprintId: In([...(by.blueprintIds ?? [])]) };
    const ids = by.feedbackIds ?? by.blueprintIds ?? [];
    if (ids.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(FeedbackBlueprintLink, { where: { ...where, removedAt: IsNull() }, order: { id: 'ASC' } });
  }
}
