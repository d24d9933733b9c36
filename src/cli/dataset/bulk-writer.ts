import { randomBytes } from 'node:crypto';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { Actor } from '../../actors/actor.entity';
import { hashToken } from '../../actors/actors.service';
import { ApiToken, TOKEN_KEY_PREFIX } from '../../actors/api-token.entity';
import { ThemeBlueprintLink } from '../../blueprints/blueprint-links.entity';
import { Blueprint } from '../../blueprints/blueprint.entity';
import { DefinitionStatus, ImplementationStatus } from '../../blueprints/blueprint.enums';
import { linkKey } from '../../common/links';
import { Role } from '../../common/role';
import { FeedbackProject, FeedbackTag } from '../../feedback/feedback-facet.entity';
import { FeedbackListing } from '../../feedback/feedback-listing.entity';
import { FeedbackItem } from '../../feedback/feedback-item.entity';
import { FeedbackVote } from '../../feedback/feedback-vote.entity';
import { LoopStage, Resolution, Verdict } from '../../feedback/feedback.enums';
import { EVENT_CATALOGUE, EventCause, EventDraft, EventType, LoopEffect, NotificationKind, Touches } from '../../history/event-catalogue';
import { LoopEvent, LoopEventLoop, LoopEventRecord } from '../../history/loop-event.entity';
import { LoopHealthShare, LoopHealthTally } from '../../loops/health/health-tally.entity';
import { counterOf, shareChange, shareOf, TallyFacts } from '../../loops/health/health-tally';
import { LoopBlueprint } from '../../loops/loop-blueprint.entity';
import { listingScopesOf } from '../../loops/loop-listing';
import { LoopStageStay } from '../../loops/loop-stage-stay.entity';
import { BlueprintFact, deriveStage } from '../../loops/stage';
import { Notification } from '../../notifications/notification.entity';
import { OutcomeResult } from '../../outcomes/outcome.enums';
import { ReleaseOutcome } from '../../outcomes/release-outcome.entity';
import { Release } from '../../releases/release.entity';
import { searchRowid } from '../../search/search-index';
import { FeedbackThemeLink } from '../../themes/feedback-theme-link.entity';
import { Theme } from '../../themes/theme.entity';
import { ThemeStatus } from '../../themes/theme.enums';
import { ADMIN, PlannedOperation, PlanView } from './plan';

/**
 * The bulk path of a generated dataset: applies planned operations to a model
 * held in memory, by the same rules the services apply them (the same stage
 * engine, the same events with the same payloads, the same timelines, stays,
 * answers, inbox and health tally), and writes the rows the services would have written,
 * straight into the database with prepared statements. What changes over
 * time (requests, blueprints, open stays) is written once, as it ends up.
 * The equality test (test/dataset.e2e-spec.ts) replays a plan through the API
 * and compares every table with what this writes.
 *
 * It covers the operations the plan makes (plan.ts), no others: it is a
 * generator of benchmark data, not a second implementation of the service.
 */

/** Where rows go: a database, or nowhere (to follow a plan without writing it). */
export interface RowSink {
  insert(entity: EntityTarget<ObjectLiteral>, row: object): void;
  /** A search document, as the search index stores it. */
  searchDocument(kind: 'feedback' | 'theme' | 'blueprint', recordId: number, title: string, body: string, tags: string): void;
}

export const NO_ROWS: RowSink = { insert: () => undefined, searchDocument: () => undefined };

interface Statement {
  run(...values: unknown[]): unknown;
}
export interface SqliteHandle {
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
}

/**
 * Rows into a SQLite file, converted to what TypeORM would store for each
 * column (dates, JSON, booleans), committed every so many rows.
 */
export class SqliteRowSink implements RowSink {
  private readonly statements = new Map<EntityTarget<ObjectLiteral>, { statement: Statement; convert: (row: object) => unknown[] }>();
  private readonly search: Statement;
  private rows = 0;
  written = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly db: SqliteHandle,
  ) {
    this.db.exec('BEGIN');
    this.search = db.prepare('INSERT INTO search_document (rowid, kind, record_id, title, body, tags) VALUES (?, ?, ?, ?, ?, ?)');
  }

  insert(entity: EntityTarget<ObjectLiteral>, row: object): void {
    let found = this.statements.get(entity);
    if (!found) {
      const metadata = this.dataSource.getMetadata(entity);
      const columns = metadata.columns.filter((column) => !column.isVirtual);
      const sql = `INSERT INTO "${metadata.tableName}" (${columns.map((column) => `"${column.databaseName}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
      const driver = this.dataSource.driver;
      const convert = (value: object) =>
        columns.map((column) => {
          const stored = driver.preparePersistentValue(column.getEntityValue(value as ObjectLiteral), column);
          return stored === undefined ? null : stored;
        });
      found = { statement: this.db.prepare(sql), convert };
      this.statements.set(entity, found);
    }
    found.statement.run(...found.convert(row));
    this.counted();
  }

  searchDocument(kind: 'feedback' | 'theme' | 'blueprint', recordId: number, title: string, body: string, tags: string): void {
    this.search.run(searchRowid(kind, recordId), kind, recordId, title, body, tags);
    this.counted();
  }

  private counted(): void {
    this.written += 1;
    if (++this.rows < 200_000) return;
    this.rows = 0;
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
  }

  close(): void {
    this.db.exec('COMMIT');
  }
}

/** The ids each table gives next: one more than the largest it holds. */
export interface NextIds {
  actor: number;
  token: number;
  event: number;
  notification: number;
}

interface ThemeNode {
  row: Theme;
  children: number[];
  /** Feedback linked to it (links in force). */
  loops: Set<number>;
  /** Blueprints linked to it, in the order linked. */
  blueprints: number[];
}

interface BlueprintNode {
  row: Blueprint;
  fact: BlueprintFact;
  themes: number[];
}

interface LoopNode {
  row: FeedbackItem;
  /** The projects it names, in order. */
  projects: string[];
  tags: string[];
  /** Its stays so far, oldest first; the current one last, without seconds. */
  stays: Array<{ stage: LoopStage; seconds: number | null }>;
  /** Themes linked, in the order linked. */
  themes: number[];
  /** Voters, oldest vote first. */
  voters: number[];
  stay: LoopStageStay;
}

type Row<T> = { -readonly [K in keyof T]: T[K] };

export class DatasetModel implements PlanView {
  private readonly actors = new Map<string, Actor>();
  private readonly releases = new Map<string, Release>();
  private readonly releasesById = new Map<number, Release>();
  private readonly themes: ThemeNode[] = [];
  private readonly blueprints = new Map<string, BlueprintNode>();
  private readonly blueprintsById = new Map<number, BlueprintNode>();
  private readonly loops: LoopNode[] = [];
  private newlyReleased: number[] = [];
  private ids: Record<'actor' | 'token' | 'event' | 'notification' | 'theme' | 'blueprint' | 'feedback' | 'vote' | 'link' | 'blueprintLink' | 'outcome' | 'stay', number>;
  /** Secrets of the tokens issued, by the email of their actor. */
  readonly tokens = new Map<string, string>();
  operations = 0;

  constructor(
    private readonly sink: RowSink,
    private readonly admin: Actor,
    next: NextIds,
    /** The release calendar, as the service holds it. */
    releases: Release[],
  ) {
    releases.forEach((release) => (this.releases.set(release.name, release), this.releasesById.set(release.id, release)));
    this.ids = { ...next, theme: 1, blueprint: 1, feedback: 1, vote: 1, link: 1, blueprintLink: 1, outcome: 1, stay: 1 };
    this.actors.set(admin.email, admin);
  }

  takeNewlyReleased(): number[] {
    const taken = this.newlyReleased;
    this.newlyReleased = [];
    return taken;
  }

  private nextId(table: keyof DatasetModel['ids']): number {
    return this.ids[table]++;
  }

  private actor(by: string): Actor {
    const actor = by === ADMIN ? this.admin : this.actors.get(by);
    if (!actor) throw new Error(`The plan names ${by}, whom it never created.`);
    return actor;
  }

  private loop(key: string): LoopNode {
    return this.loops[Number(key.slice(3)) - 1];
  }

  private theme(key: string): ThemeNode {
    return this.themes[Number(key.slice(3)) - 1];
  }

  apply(operation: PlannedOperation): void {
    this.operations += 1;
    const now = operation.at;
    const by = this.actor(operation.by);
    switch (operation.op) {
      case 'createActor': {
        const { input } = operation;
        const actor: Row<Actor> = Object.assign(new Actor(), {
          id: this.nextId('actor'),
          name: input.name.trim(),
          email: input.email.trim().toLowerCase(),
          role: input.role,
          organization: input.organization?.trim() || null,
          createdAt: now,
          updatedAt: now,
        });
        this.actors.set(actor.email, actor);
        this.sink.insert(Actor, actor);
        this.record(now, {
          type: EventType.ACTOR_CREATED,
          recordKey: actor.email,
          actorId: by.id,
          after: { name: actor.name, email: actor.email, role: actor.role, organization: actor.organization },
        });
        return;
      }
      case 'issueToken': {
        const actor = this.actor(operation.input.actorEmail);
        const secret = `lt_${randomBytes(24).toString('base64url')}`;
        const token = { id: this.nextId('token'), actorId: actor.id, label: operation.input.label.trim(), tokenHash: hashToken(secret), prefix: secret.slice(0, 8), createdAt: now, lastUsedAt: null, revokedAt: null, revokedById: null };
        this.tokens.set(actor.email, secret);
        this.sink.insert(ApiToken, token);
        this.record(now, {
          type: EventType.TOKEN_ISSUED,
          recordKey: `${TOKEN_KEY_PREFIX}${token.id}`,
          otherRecordKeys: [actor.email],
          actorId: by.id,
          after: { actorEmail: actor.email, label: token.label, prefix: token.prefix },
        });
        return;
      }
      case 'createTheme': {
        const { input } = operation;
        const parent = input.parentKey ? this.theme(input.parentKey) : null;
        const theme: Row<Theme> = Object.assign(new Theme(), {
          id: this.nextId('theme'),
          title: input.title.trim(),
          description: null,
          kind: input.kind,
          parentId: parent?.row.id ?? null,
          status: ThemeStatus.ACCEPTED,
          ownerId: by.id,
          targetReleaseId: null,
          specUrl: null,
          gerritTopic: null,
          links: [],
          createdAt: now,
          updatedAt: now,
          version: 1,
        });
        this.themes.push({ row: theme, children: [], loops: new Set(), blueprints: [] });
        parent?.children.push(theme.id);
        this.record(now, {
          type: EventType.THEME_CREATED,
          recordKey: theme.key,
          actorId: by.id,
          after: { title: theme.title, kind: theme.kind, parentKey: parent?.row.key ?? null, status: theme.status },
        });
        return;
      }
      case 'createBlueprint': {
        const { input } = operation;
        const target = this.releases.get(input.targetRelease)!;
        const blueprint: Row<Blueprint> = Object.assign(new Blueprint(), {
          id: this.nextId('blueprint'),
          project: input.project.toLowerCase(),
          name: input.name.toLowerCase(),
          title: input.title.trim(),
          url: null,
          specUrl: null,
          gerritTopic: null,
          definitionStatus: input.definitionStatus,
          implementationStatus: input.implementationStatus,
          priority: input.priority,
          assignee: null,
          targetReleaseId: target.id,
          createdAt: now,
          updatedAt: now,
          version: 1,
        });
        const node: BlueprintNode = {
          row: blueprint,
          themes: [],
          fact: {
            id: blueprint.id,
            project: blueprint.project,
            name: blueprint.name,
            definitionStatus: blueprint.definitionStatus,
            implementationStatus: blueprint.implementationStatus,
            targetRelease: target.name,
            outcomes: [],
          },
        };
        this.blueprints.set(blueprint.key, node);
        this.blueprintsById.set(blueprint.id, node);
        this.record(now, {
          type: EventType.BLUEPRINT_CREATED,
          recordKey: blueprint.key,
          actorId: by.id,
          after: {
            title: blueprint.title,
            definitionStatus: blueprint.definitionStatus,
            implementationStatus: blueprint.implementationStatus,
            priority: blueprint.priority,
            targetRelease: input.targetRelease,
          },
        });
        return;
      }
      case 'linkBlueprint': {
        const { input } = operation;
        const blueprint = this.blueprints.get(`${input.project}/${input.name}`)!;
        const theme = this.theme(input.themeKey);
        const rationale = input.rationale.trim() || null;
        this.sink.insert(ThemeBlueprintLink, this.link({ themeId: theme.row.id, blueprintId: blueprint.row.id }, this.nextId('blueprintLink'), by, rationale, now));
        theme.blueprints.push(blueprint.row.id);
        blueprint.themes.push(theme.row.id);
        this.record(now, {
          type: EventType.LINK_CREATED,
          recordKey: linkKey(theme.row.key, blueprint.row.key),
          otherRecordKeys: [theme.row.key, blueprint.row.key],
          actorId: by.id,
          data: { kind: 'theme-blueprint', blueprintKey: blueprint.row.key, themeKey: theme.row.key, rationale },
          touches: { themes: [theme.row.id] },
        });
        return;
      }
      case 'updateBlueprint': {
        const { input } = operation;
        const blueprint = this.blueprints.get(`${input.project}/${input.name}`)!;
        const before = blueprint.row.implementationStatus;
        if (before === input.implementationStatus) return;
        Object.assign(blueprint.row, { implementationStatus: input.implementationStatus, updatedAt: now, version: blueprint.row.version + 1 });
        blueprint.fact.implementationStatus = input.implementationStatus;
        this.record(now, {
          type: EventType.BLUEPRINT_UPDATED,
          recordKey: blueprint.row.key,
          actorId: by.id,
          before: { implementationStatus: before },
          after: { implementationStatus: input.implementationStatus },
          touches: { blueprints: [blueprint.row.id] },
        });
        return;
      }
      case 'recordReleaseOutcome': {
        const { input } = operation;
        const blueprint = this.blueprints.get(`${input.project}/${input.name}`)!;
        const release = this.releases.get(input.release)!;
        const fields = { result: input.result, notes: null, releaseNoteUrl: null };
        this.sink.insert(ReleaseOutcome, { id: this.nextId('outcome'), blueprintId: blueprint.row.id, releaseId: release.id, ...fields, recordedById: by.id, recordedAt: now, updatedAt: now });
        blueprint.fact.outcomes.push({ releaseId: release.id, release: release.name, sequence: release.sequence, result: input.result as OutcomeResult });
        this.record(now, {
          type: EventType.OUTCOME_RECORDED,
          recordKey: `${blueprint.row.key}@${release.name}`,
          otherRecordKeys: [blueprint.row.key, release.name],
          actorId: by.id,
          before: null,
          after: fields,
          data: { blueprintKey: blueprint.row.key, release: release.name },
          touches: { blueprints: [blueprint.row.id] },
        });
        return;
      }
      case 'submitFeedback': {
        const { input } = operation;
        const item: Row<FeedbackItem> = Object.assign(new FeedbackItem(), {
          id: this.nextId('feedback'),
          title: input.title.trim(),
          body: input.body ?? '',
          origin: input.origin,
          submitterId: by.id,
          organization: by.organization,
          releaseInUse: input.releaseInUse?.trim() || null,
          sourceUrl: null,
          sourceLine: null,
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
          resolution: null,
          resolutionNote: null,
          closedAt: null,
          closedById: null,
          verdict: null,
          verdictNote: null,
          verifiedAt: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
          stallReportedAt: null,
        });
        const stay = Object.assign(new LoopStageStay(), { id: 0, feedbackId: item.id, stage: item.stage, enteredAt: item.stageEnteredAt, leftAt: null, seconds: null });
        this.loops.push({ row: item, projects: [...input.projects].sort(), tags: [...input.tags], themes: [], voters: [], stay, stays: [{ stage: item.stage, seconds: null }] });
        input.projects.forEach((project) => this.sink.insert(FeedbackProject, { feedbackId: item.id, project }));
        input.tags.forEach((tag) => this.sink.insert(FeedbackTag, { feedbackId: item.id, tag }));
        this.record(now, {
          type: EventType.FEEDBACK_SUBMITTED,
          recordKey: item.key,
          actorId: by.id,
          after: { title: item.title, origin: item.origin, projects: input.projects, tags: input.tags },
          touches: { feedback: [item.id] },
        });
        return;
      }
      case 'voteFeedback': {
        const loop = this.loop(operation.input.key);
        this.sink.insert(FeedbackVote, { id: this.nextId('vote'), feedbackId: loop.row.id, actorId: by.id, createdAt: now, mergedFromId: null });
        loop.voters.push(by.id);
        loop.row.voteCount = loop.voters.length + loop.row.importedVotes;
        this.record(now, {
          type: EventType.FEEDBACK_VOTED,
          recordKey: loop.row.key,
          actorId: by.id,
          before: { voteCount: loop.row.voteCount - 1 },
          after: { voteCount: loop.row.voteCount },
          touches: { feedback: [loop.row.id] },
        });
        return;
      }
      case 'triageFeedback': {
        const loop = this.loop(operation.input.key);
        Object.assign(loop.row, { triagedAt: now, triagedById: by.id, triageNote: operation.input.note.trim() || null, updatedAt: now, version: loop.row.version + 1 });
        this.record(now, {
          type: EventType.LOOP_TRIAGED,
          recordKey: loop.row.key,
          actorId: by.id,
          before: { triagedAt: null },
          after: { triagedAt: now.toISOString() },
          data: { note: loop.row.triageNote },
          touches: { feedback: [loop.row.id] },
        });
        return;
      }
      case 'linkFeedbackToTheme': {
        const { input } = operation;
        const loop = this.loop(input.feedbackKey);
        const theme = this.theme(input.themeKey);
        const rationale = input.rationale.trim() || null;
        this.sink.insert(FeedbackThemeLink, this.link({ feedbackId: loop.row.id, themeId: theme.row.id }, this.nextId('link'), by, rationale, now));
        loop.themes.push(theme.row.id);
        theme.loops.add(loop.row.id);
        this.record(now, {
          type: EventType.LINK_CREATED,
          recordKey: linkKey(loop.row.key, theme.row.key),
          otherRecordKeys: [loop.row.key, theme.row.key],
          actorId: by.id,
          data: { kind: 'feedback-theme', feedbackKey: loop.row.key, themeKey: theme.row.key, rationale },
          touches: { feedback: [loop.row.id] },
        });
        return;
      }
      case 'closeLoop': {
        const { input } = operation;
        const loop = this.loop(input.key);
        this.saveState(loop, now, {
          resolution: input.resolution,
          resolutionNote: input.note.trim(),
          closedAt: now,
          closedById: by.id,
          verdict: null,
          verdictNote: null,
          verifiedAt: null,
        });
        this.record(now, {
          type: EventType.LOOP_CLOSED,
          recordKey: loop.row.key,
          actorId: by.id,
          before: { resolution: null },
          after: { resolution: input.resolution },
          data: { note: loop.row.resolutionNote },
          touches: { feedback: [loop.row.id] },
        });
        return;
      }
      case 'verifyClosure': {
        const { input } = operation;
        const loop = this.loop(input.key);
        if (input.verdict !== Verdict.CONFIRMED) throw new Error('The bulk path makes confirmations only.');
        const answer = { verdict: input.verdict, verdictNote: input.note.trim() || null, verifiedAt: now };
        this.saveState(loop, now, answer);
        this.record(now, {
          type: EventType.LOOP_VERIFIED,
          recordKey: loop.row.key,
          actorId: by.id,
          after: { verdict: input.verdict },
          data: { note: answer.verdictNote },
          touches: { feedback: [loop.row.id] },
        });
        return;
      }
    }
  }

  private link<T extends object>(ends: T, id: number, by: Actor, rationale: string | null, now: Date) {
    return { id, ...ends, rationale, linkedById: by.id, linkedAt: now, removedById: null, removedAt: null, removalNote: null };
  }

  /** As LoopStateStore.save: the loop state columns, a new version. */
  private saveState(loop: LoopNode, now: Date, state: Partial<FeedbackItem>): void {
    Object.assign(loop.row, state, { updatedAt: now, version: loop.row.version + 1 });
  }

  // ---------------------------------------------------------------------------
  // The history and its consequences, as HistoryService.record runs them.

  private record(now: Date, draft: EventDraft): LoopEvent {
    const kind = EVENT_CATALOGUE[draft.type];
    const event: Row<LoopEvent> = Object.assign(new LoopEvent(), {
      id: this.nextId('event'),
      type: draft.type,
      recordType: kind.record,
      recordKey: draft.recordKey,
      actorId: draft.actorId,
      occurredAt: now,
      before: draft.before ?? null,
      after: draft.after ?? null,
      data: draft.data ?? null,
    });
    this.sink.insert(LoopEvent, event);
    for (const recordKey of new Set([draft.recordKey, ...(draft.otherRecordKeys ?? [])])) this.sink.insert(LoopEventRecord, { recordKey, eventId: event.id });
    // The projection.
    let loops: number[] = [];
    if (kind.loops !== LoopEffect.NONE && draft.touches) {
      loops = kind.loops === LoopEffect.MOVES ? this.affectedLoops(draft.touches) : [...new Set(draft.touches.feedback ?? [])];
      for (const id of loops) this.sink.insert(LoopEventLoop, { feedbackId: id, eventId: event.id });
      if (kind.loops !== LoopEffect.REPORTS) for (const id of loops) this.loops[id - 1].row.lastEventAt = now;
      if (kind.loops === LoopEffect.MOVES) for (const id of loops) this.project(this.loops[id - 1], event);
    }
    // The inbox (the tally and the search index are written whole at the end; there are no webhooks).
    if (kind.notifies && loops.length) this.notify(kind.notifies, this.loops[loops[0] - 1], event);
    return event;
  }

  /** As StageProjector.affectedLoops: the loops linked to these records, or to themes above the themes their blueprints answer. */
  private affectedLoops(touches: Touches): number[] {
    const loops = new Set(touches.feedback ?? []);
    const themeIds = [...(touches.themes ?? [])];
    for (const id of touches.blueprints ?? []) themeIds.push(...this.blueprintsById.get(id)!.themes);
    const above = new Set<number>();
    for (let id of themeIds) {
      for (;;) {
        above.add(id);
        const parent = this.themes[id - 1].row.parentId;
        if (parent === null) break;
        id = parent;
      }
    }
    for (const id of above) this.themes[id - 1].loops.forEach((loop) => loops.add(loop));
    return [...loops].sort((a, b) => a - b);
  }

  /** The blueprints answering a loop: those linked to its themes or to their sub-themes, by id. */
  private answering(loop: LoopNode): BlueprintNode[] {
    const reached = new Set<number>();
    const visit = (id: number) => {
      const theme = this.themes[id - 1];
      theme.blueprints.forEach((blueprint) => reached.add(blueprint));
      theme.children.forEach(visit);
    };
    const seen = new Set<number>();
    for (const id of loop.themes) if (!seen.has(id)) (seen.add(id), visit(id));
    return [...reached].sort((a, b) => a - b).map((id) => this.blueprintsById.get(id)!);
  }

  /** As StageProjector.store: derives the stage, and records the move. */
  private project(loop: LoopNode, cause: LoopEvent): void {
    const item = loop.row;
    if (loop.stay.id === 0) loop.stay.id = this.nextId('stay');
    const blueprints = this.answering(loop).map((node) => node.fact);
    const derived = deriveStage({
      triaged: item.triagedAt !== null,
      themeKeys: loop.themes.map((id) => `TH-${id}`),
      blueprints,
      resolution: item.resolution,
      verdict: item.verdict,
    });
    if (derived.stage === item.stage && derived.completedInReleaseId === item.completedInReleaseId) return;
    const from = item.stage;
    const movedAt = cause.occurredAt;
    this.saveState(loop, movedAt, {
      stage: derived.stage,
      stageEnteredAt: derived.stage === from ? item.stageEnteredAt : movedAt,
      completedInReleaseId: derived.completedInReleaseId,
    });
    if (derived.stage === from) return;
    const stay = loop.stay;
    const seconds = Math.max(0, Math.round((movedAt.getTime() - stay.enteredAt.getTime()) / 1000));
    this.sink.insert(LoopStageStay, { ...stay, leftAt: movedAt, seconds });
    loop.stays[loop.stays.length - 1].seconds = seconds;
    loop.stays.push({ stage: derived.stage, seconds: null });
    loop.stay = Object.assign(new LoopStageStay(), { id: this.nextId('stay'), feedbackId: item.id, stage: derived.stage, enteredAt: movedAt, leftAt: null, seconds: null });
    const causeOf: EventCause = { type: cause.type as EventType, recordKey: cause.recordKey };
    const moved = { recordKey: item.key, actorId: cause.actorId, data: { cause: causeOf }, touches: { feedback: [item.id] } };
    this.record(movedAt, { ...moved, type: EventType.LOOP_STAGE_CHANGED, before: { stage: from }, after: { stage: derived.stage } });
    if (derived.stage === LoopStage.RELEASED) {
      const completing = blueprints.flatMap((blueprint) => blueprint.outcomes).find((outcome) => outcome.releaseId === derived.completedInReleaseId);
      this.record(movedAt, { ...moved, type: EventType.LOOP_RELEASED, after: { completedIn: completing?.release ?? null } });
      this.newlyReleased.push(item.id);
    }
  }

  /** As NotificationsService.notify, for the kinds the plan causes. */
  private notify(kind: NotificationKind, loop: LoopNode, event: LoopEvent): void {
    const item = loop.row;
    if (kind === NotificationKind.CLOSED && item.resolution === Resolution.DUPLICATE) return;
    if (kind !== NotificationKind.RELEASED && kind !== NotificationKind.CLOSED) throw new Error(`The bulk path does not tell of ${kind}.`);
    const subject = `${item.key} "${item.title}"`;
    let message: string;
    if (kind === NotificationKind.RELEASED) {
      const release = item.completedInReleaseId ? this.releasesById.get(item.completedInReleaseId) : undefined;
      message = `${subject} is released: every blueprint answering it is delivered${release ? `, the last in ${release.name}` : ''}.`;
    } else {
      const said = (event.data as { note: string | null }).note;
      const note = said ? `: ${said}` : '';
      message =
        item.resolution === Resolution.DELIVERED
          ? `${subject} was closed as delivered${note}. Does it do what you asked? Confirm or dispute the closure.`
          : `${subject} was closed as ${String(item.resolution).toLowerCase().replace(/_/g, ' ')}${note}.`;
    }
    const recipients = [
      { actorId: item.submitterId, submitter: true },
      ...loop.voters.filter((id) => id !== item.submitterId).map((actorId) => ({ actorId, submitter: false })),
    ].filter((recipient) => recipient.actorId !== event.actorId);
    for (const recipient of recipients) {
      this.sink.insert(Notification, {
        id: this.nextId('notification'),
        actorId: recipient.actorId,
        feedbackId: item.id,
        eventId: event.id,
        kind,
        message,
        asksVerification: kind === NotificationKind.CLOSED && item.resolution === Resolution.DELIVERED && recipient.submitter,
        createdAt: event.occurredAt,
        readAt: null,
      });
    }
  }

  /** As HealthTallyService counts a loop: its facts for the tally, in the order the service reads them. */
  private tallyFacts(loop: LoopNode, answering: BlueprintNode[]): TallyFacts {
    const chain = (id: number) => {
      const ids: number[] = [];
      for (let at: number | null = id; at !== null; at = this.themes[at - 1].row.parentId) ids.push(at);
      return ids;
    };
    const item = loop.row;
    return {
      stage: item.stage,
      origin: item.origin,
      createdAt: item.createdAt,
      lastEventAt: item.lastEventAt,
      resolution: item.resolution,
      completedInReleaseId: item.completedInReleaseId,
      projects: [...loop.projects, ...answering.map((node) => node.row.project)],
      themeIds: [...new Set(loop.themes.flatMap(chain))],
      touchedReleaseIds: answering.flatMap((node) => [
        ...(node.row.targetReleaseId !== null ? [node.row.targetReleaseId] : []),
        ...node.fact.outcomes.map((outcome) => outcome.releaseId),
      ]),
      stays: loop.stays,
    };
  }

  /** Writes what ended up as it is: requests, themes, blueprints, open stays, answers, search documents, the health tally and the listings. */
  finish(): void {
    const counters = new Map<string, number>();
    for (const node of this.themes) {
      this.sink.insert(Theme, node.row);
      this.sink.searchDocument('theme', node.row.id, node.row.title, node.row.description ?? '', '');
    }
    for (const node of this.blueprintsById.values()) {
      this.sink.insert(Blueprint, node.row);
      this.sink.searchDocument('blueprint', node.row.id, node.row.title, node.row.key, '');
    }
    for (const loop of this.loops) {
      this.sink.insert(FeedbackItem, loop.row);
      if (loop.stay.id !== 0) this.sink.insert(LoopStageStay, loop.stay);
      const answering = this.answering(loop);
      for (const blueprint of answering) this.sink.insert(LoopBlueprint, { feedbackId: loop.row.id, blueprintId: blueprint.row.id });
      this.sink.searchDocument('feedback', loop.row.id, loop.row.title, loop.row.body, [...loop.tags].sort().join(' '));
      const facts = this.tallyFacts(loop, answering);
      const share = shareOf(facts);
      const { createdAt, voteCount, stageEnteredAt, lastEventAt } = loop.row;
      for (const scope of listingScopesOf(facts, loop)) this.sink.insert(FeedbackListing, { feedbackId: loop.row.id, scope, createdAt, voteCount, stageEnteredAt, lastEventAt });
      this.sink.insert(LoopHealthShare, { feedbackId: loop.row.id, share: JSON.stringify(share) });
      shareChange(null, share, counters);
    }
    // On SQLite every counter is one shard, shard 0.
    for (const [key, count] of counters) this.sink.insert(LoopHealthTally, { ...counterOf(key), shard: 0, count });
  }
}

/** The roles the plan's people have, for a check that the writer knows them all. */
export const PLAN_ROLES = [Role.PRODUCT_MANAGER, Role.TECH_LEAD, Role.OPERATOR, Role.USER];
export const PLAN_STATUSES = [DefinitionStatus.APPROVED, ImplementationStatus.NOT_STARTED];
