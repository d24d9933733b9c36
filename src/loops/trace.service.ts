import { Injectable } from '@nestjs/common';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { emailSeenBy, PersonalDataReader } from '../actors/personal-data';
import { inChunks } from '../common/chunks';
import { Clock } from '../common/clock';
import { FEEDBACK_KEY_PREFIX, FeedbackItem } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { groupsOf } from '../common/loaders';
import { HistoryService } from '../history/history.service';
import { LoopEvent } from '../history/loop-event.entity';
import { ReleasesService } from '../releases/releases.service';
import { Theme, THEME_KEY_PREFIX } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { BlueprintRoute, LoopFactsService, LoopRecord } from './loop-facts.service';
import { LoopStageStay } from './loop-stage-stay.entity';
import { LoopsService } from './loops.service';
import { answerState, closureOf, perProject, verificationOf } from './loop-view';
import { deriveStage } from './stage';
import { timedStays, timeInStages } from './stage-time';
import { Trace, TraceBlueprint, TracePerson, TraceThemeRef } from './trace';

const iso = (date: Date) => date.toISOString();

/** What a batch of traces reads besides each loop's record. */
interface Batch {
  now: Date;
  /** The stays in stages, per loop. */
  stays: Map<number, LoopStageStay[]>;
  timelines: Map<number, LoopEvent[]>;
  themes: Map<number, Theme>;
  releaseNames: Map<number, string>;
  actors: Map<number, Actor>;
}

/**
 * Builds the trace of loops as plain data, from the sources the GraphQL Loop
 * reads: the loop facts, the stage engine, the stage changes and the timeline
 * of the history.
 */
@Injectable()
export class TraceService {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly facts: LoopFactsService,
    private readonly history: HistoryService,
    private readonly themes: ThemesService,
    private readonly releases: ReleasesService,
    private readonly actors: ActorsService,
    private readonly loops: LoopsService,
    private readonly clock: Clock,
  ) {}

  /** The trace of the loop with this key, as this reader may see it. */
  async trace(key: string, reader: PersonalDataReader): Promise<Trace> {
    const item = await this.feedback.byKey(key);
    return (await this.traces([item], reader)).get(item.id)!;
  }

  /** The traces of these loops, by feedback id, as this reader may see them. */
  async traces(items: FeedbackItem[], reader: PersonalDataReader): Promise<Map<number, Trace>> {
    const now = this.clock.now();
    const traces = await inChunks(items, async (chunk) => {
      const records = [...(await this.facts.loadFor(chunk)).values()];
      const batch = await this.batchOf(records, now);
      return records.map((record) => [record.item.id, this.build(record, batch, reader)] as const);
    });
    return new Map(traces);
  }

  private async batchOf(records: LoopRecord[], now: Date): Promise<Batch> {
    const items = records.map((record) => record.item);
    const ids = items.map((item) => item.id);
    const stays = groupsOf(ids, await this.loops.stays(ids), (stay) => stay.feedbackId);
    const timelines = await this.history.wholeTimelines(ids);

    const linked = [...new Set(records.flatMap((record) => record.themeLinks.map((link) => link.themeId)))];
    const themes = new Map((await this.themes.byIds(await this.themes.withAncestors(linked))).map((theme) => [theme.id, theme]));

    // The facts name the releases of outcomes and targets; only the completing release may need reading.
    const releaseNames = new Map(
      records.flatMap((record) => record.routes.flatMap((route) => route.fact.outcomes.map((outcome) => [outcome.releaseId, outcome.release] as const))),
    );
    const completing = items.map((item) => item.completedInReleaseId).filter((id): id is number => id !== null && !releaseNames.has(id));
    (await this.releases.byIds([...new Set(completing)])).forEach((release) => releaseNames.set(release.id, release.name));

    const actorIds = [
      ...items.flatMap((item) => [item.submitterId, item.closedById]),
      ...[...timelines.values()].flatMap((events) => events.map((event) => event.actorId)),
    ].filter((id): id is number => id !== null);
    const actors = new Map((await this.actors.byIds([...new Set(actorIds)])).map((actor) => [actor.id, actor]));
    return { now, stays, timelines, themes, releaseNames, actors };
  }

  private build(record: LoopRecord, batch: Batch, reader: PersonalDataReader): Trace {
    const { item, facts } = record;
    const person = (id: number | null): TracePerson | null => {
      const actor = id === null ? undefined : batch.actors.get(id);
      return actor ? { name: actor.name, email: emailSeenBy(reader, actor) } : null;
    };
    const stays = timedStays(batch.stays.get(item.id)!, batch.now);
    const closure = closureOf(item);
    const verification = verificationOf(item);
    return {
      key: item.key,
      title: item.title,
      body: item.body,
      origin: item.origin,
      submitter: person(item.submitterId),
      organization: item.organization,
      releaseInUse: item.releaseInUse,
      sourceUrl: item.sourceUrl,
      votes: item.voteCount,
      submittedAt: iso(item.createdAt),
      stage: item.stage,
      stageEnteredAt: iso(item.stageEnteredAt),
      waitingOn: deriveStage(facts).waitingOn,
      themes: record.themeLinks.map((link) => {
        const theme = batch.themes.get(link.themeId)!;
        const parents: TraceThemeRef[] = [];
        for (let parent = this.parentOf(theme, batch); parent; parent = this.parentOf(parent, batch)) parents.push(this.themeRef(parent));
        return { ...this.themeRef(theme), parents, rationale: link.rationale, linkedAt: iso(link.linkedAt) };
      }),
      projects: perProject(
        record.routes.map((route) => this.blueprint(route)),
        (blueprint) => blueprint.project,
      ),
      stages: timeInStages(stays),
      stageHistory: stays.map((stay) => ({ stage: stay.stage, enteredAt: iso(stay.enteredAt), leftAt: stay.leftAt && iso(stay.leftAt), seconds: stay.seconds })),
      completedIn: item.completedInReleaseId === null ? null : (batch.releaseNames.get(item.completedInReleaseId) ?? null),
      closure: closure && { resolution: closure.resolution, note: closure.note, closedAt: iso(closure.closedAt), closedBy: person(closure.closedById) },
      verification: verification && { verdict: verification.verdict, note: verification.note, verifiedAt: iso(verification.verifiedAt) },
      duplicateOf: item.mergedIntoId === null ? null : `${FEEDBACK_KEY_PREFIX}${item.mergedIntoId}`,
      timeline: (batch.timelines.get(item.id) ?? []).map((event) => ({
        type: event.type,
        occurredAt: iso(event.occurredAt),
        actor: person(event.actorId),
        recordType: event.recordType,
        recordKey: event.recordKey,
        before: event.before,
        after: event.after,
        data: event.data,
      })),
      asOf: iso(batch.now),
    };
  }

  private parentOf(theme: Theme, batch: Batch): Theme | undefined {
    return theme.parentId === null ? undefined : batch.themes.get(theme.parentId);
  }

  private themeRef(theme: Theme): TraceThemeRef {
    return { key: theme.key, title: theme.title, kind: theme.kind };
  }

  private blueprint(route: BlueprintRoute): TraceBlueprint {
    const { blueprint, fact } = route;
    const outcomes = route.outcomes
      .map((outcome) => ({ outcome, release: fact.outcomes.find((known) => known.releaseId === outcome.releaseId)! }))
      .sort((a, b) => a.release.sequence - b.release.sequence)
      .map(({ outcome, release }) => ({
        release: release.release,
        result: outcome.result,
        notes: outcome.notes,
        releaseNoteUrl: outcome.releaseNoteUrl,
        recordedAt: iso(outcome.recordedAt),
      }));
    return {
      key: blueprint.key,
      project: blueprint.project,
      name: blueprint.name,
      title: blueprint.title,
      definitionStatus: blueprint.definitionStatus,
      implementationStatus: blueprint.implementationStatus,
      priority: blueprint.priority,
      targetRelease: fact.targetRelease,
      direct: route.direct,
      viaThemes: route.viaThemeIds.map((id) => `${THEME_KEY_PREFIX}${id}`),
      ...answerState(route),
      outcomes,
    };
  }
}
