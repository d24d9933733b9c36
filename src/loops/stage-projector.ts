import { Injectable, OnModuleInit } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { eachChunk } from '../common/chunks';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../common/transactions';
import { LoopStage } from '../feedback/feedback.enums';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { Consequence, RecordedEvent } from '../history/consequences';
import { EventDraft, EventType, LoopEffect, Touches } from '../history/event-catalogue';
import { HistoryService } from '../history/history.service';
import { LoopEvent } from '../history/loop-event.entity';
import { OutcomesService } from '../outcomes/outcomes.service';
import { ThemesService } from '../themes/themes.service';
import { LoopBlueprint } from './loop-blueprint.entity';
import { LoopLocks } from './loop-locks';
import { LoopStageStay } from './loop-stage-stay.entity';
import { LoopState, LoopStateStore } from './loop-state';
import { LoopFactsService, LoopRecord } from './loop-facts.service';
import { deriveStage, StageVerdict } from './stage';

/**
 * Keeps every loop's stored stage equal to what the stage engine derives from
 * its facts. It handles each event as it is recorded, inside the transaction
 * of the change: it finds the loops the change may have moved, files the
 * event in their timelines, recomputes them, and records loop.stage_changed
 * (and loop.released) where the stage moved.
 */
@Injectable()
export class StageProjector implements OnModuleInit {
  constructor(
    private readonly history: HistoryService,
    private readonly facts: LoopFactsService,
    private readonly loopState: LoopStateStore,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly outcomes: OutcomesService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly locks: LoopLocks,
  ) {}

  onModuleInit(): void {
    this.history.onRecorded(Consequence.PROJECTION, (recorded) => this.handle(recorded));
  }

  /**
   * Files the event in the timelines of the loops it concerns and, if it may
   * have moved them, recomputes them; returns those loops. The loops, and
   * what their facts are read from, are held first (LoopLocks); an event that
   * follows a loop's move is recorded here, for loops held already.
   */
  private async handle({ event, draft, kind }: RecordedEvent): Promise<readonly number[]> {
    const touches = draft.touches;
    if (kind.loops === LoopEffect.NONE || !touches) return [];
    const find = async () => (kind.loops === LoopEffect.MOVES ? this.affectedLoops(touches) : [...new Set(touches.feedback ?? [])]);
    const loopIds = kind.loops === LoopEffect.FOLLOWS ? await find() : await this.locks.hold(find, touches);
    if (loopIds.length === 0) return [];
    await this.history.attachToLoops(event, loopIds);
    if (kind.loops !== LoopEffect.REPORTS) await this.loopState.touch(loopIds, event.occurredAt);
    if (kind.loops === LoopEffect.MOVES) await this.project(loopIds, event);
    return loopIds;
  }

  /** The loops whose facts include any of these records. */
  async affectedLoops(touches: Touches): Promise<number[]> {
    const loops = new Set(touches.feedback ?? []);
    const themeIds = [...(touches.themes ?? [])];
    const blueprintIds = [...(touches.blueprints ?? []), ...(await this.outcomes.blueprintsWithOutcomesIn(touches.releases ?? []))];
    if (blueprintIds.length) {
      (await this.blueprints.feedbackLinks({ blueprintIds })).forEach((link) => loops.add(link.feedbackId));
      (await this.blueprints.themeLinksOfBlueprints(blueprintIds)).forEach((link) => themeIds.push(link.themeId));
    }
    if (themeIds.length) {
      const above = await this.themes.withAncestors(themeIds);
      (await this.themes.feedbackLinkedTo(above)).forEach((id) => loops.add(id));
    }
    return [...loops].sort((a, b) => a - b);
  }

  /** Recomputes these loops and stores what moved. */
  async project(loopIds: number[], cause: LoopEvent | null): Promise<void> {
    // A chunk at a time: one blueprint may answer thousands of loops.
    await eachChunk(loopIds, async (chunk) => {
      const records = await this.facts.load(chunk);
      await this.storeAnswers(chunk, records);
      const stays = await this.currentStays(records);
      await this.store([...records.values()], stays, cause);
    });
  }

  /** The current stay of each loop; a loop seen for the first time starts its first stay, in the stage it was stored with. */
  private async currentStays(records: Map<number, LoopRecord>): Promise<Map<number, LoopStageStay>> {
    const ids = [...records.keys()];
    const open = new Map((await this.tx.manager.findBy(LoopStageStay, { feedbackId: In(ids), leftAt: IsNull() })).map((stay) => [stay.feedbackId, stay]));
    for (const { item } of records.values()) {
      if (open.has(item.id)) continue;
      const first = this.tx.manager.create(LoopStageStay, { feedbackId: item.id, stage: item.stage, enteredAt: item.stageEnteredAt, leftAt: null, seconds: null });
      open.set(item.id, await this.tx.manager.save(LoopStageStay, first));
    }
    return open;
  }

  /**
   * Derives each loop's stage and stores those that moved: loops moved alike
   * in one statement, their stays ended and begun together, and the events
   * of their moves, in the order of the loops.
   */
  private async store(records: LoopRecord[], stays: Map<number, LoopStageStay>, cause: LoopEvent | null): Promise<void> {
    const movedAt = cause?.occurredAt ?? this.clock.now();
    const alike = new Map<string, { state: LoopState; items: FeedbackItem[] }>();
    const moves: Array<{ record: LoopRecord; from: LoopStage; derived: StageVerdict }> = [];
    for (const record of records) {
      const { item } = record;
      const derived = deriveStage(record.facts);
      if (derived.stage === item.stage && derived.completedInReleaseId === item.completedInReleaseId) continue;
      const state: LoopState = {
        stage: derived.stage,
        stageEnteredAt: derived.stage === item.stage ? item.stageEnteredAt : movedAt,
        completedInReleaseId: derived.completedInReleaseId,
      };
      if (derived.stage !== item.stage) moves.push({ record, from: item.stage, derived });
      const key = JSON.stringify(state);
      if (!alike.has(key)) alike.set(key, { state, items: [] });
      alike.get(key)!.items.push(item);
    }
    for (const { state, items } of alike.values()) await this.loopState.saveAll(items, state);
    if (!moves.length) return;
    const ended = moves.map(({ record }) => {
      const stay = stays.get(record.item.id)!;
      return { id: stay.id, seconds: Math.max(0, Math.round((movedAt.getTime() - stay.enteredAt.getTime()) / 1000)) };
    });
    await this.endStays(ended, movedAt);
    await this.tx.manager.insert(
      LoopStageStay,
      moves.map(({ record, derived }) => ({ feedbackId: record.item.id, stage: derived.stage, enteredAt: movedAt, leftAt: null, seconds: null })),
    );
    const drafts: EventDraft[] = [];
    for (const { record, from, derived } of moves) {
      const { item } = record;
      const moved = {
        recordKey: item.key,
        actorId: cause?.actorId ?? null,
        data: { cause: cause ? { type: cause.type as EventType, recordKey: cause.recordKey } : null },
        touches: { feedback: [item.id] },
      };
      drafts.push({ ...moved, type: EventType.LOOP_STAGE_CHANGED, before: { stage: from }, after: { stage: derived.stage } });
      if (derived.stage === LoopStage.RELEASED) {
        const completing = record.facts.blueprints.flatMap((blueprint) => blueprint.outcomes).find((outcome) => outcome.releaseId === derived.completedInReleaseId);
        drafts.push({ ...moved, type: EventType.LOOP_RELEASED, after: { completedIn: completing?.release ?? null } });
      }
    }
    await this.history.recordAll(drafts);
  }

  /** Ends these stays at the same time, each after its own number of seconds, a few hundred per statement. */
  private async endStays(stays: Array<{ id: number; seconds: number }>, leftAt: Date): Promise<void> {
    await eachChunk(stays, async (chunk) => {
      const parameters: Record<string, number> = {};
      const cases = chunk.map((stay, index) => {
        parameters[`stay${index}`] = stay.id;
        parameters[`seconds${index}`] = stay.seconds;
        return `WHEN :stay${index} THEN CAST(:seconds${index} AS INTEGER)`;
      });
      await this.tx.manager
        .createQueryBuilder()
        .update(LoopStageStay)
        .set({ leftAt, seconds: () => `CASE id ${cases.join(' ')} END` })
        .whereInIds(chunk.map((stay) => stay.id))
        .setParameters(parameters)
        .execute();
    });
  }

  /** Brings the stored answer relation (loop_blueprint) of these loops in line with their records. */
  private async storeAnswers(loopIds: number[], records: Map<number, LoopRecord>): Promise<void> {
    const stored = await this.tx.manager.findBy(LoopBlueprint, { feedbackId: In(loopIds) });
    const key = (row: LoopBlueprint) => `${row.feedbackId}:${row.blueprintId}`;
    const wanted = [...records.values()].flatMap((record) =>
      record.routes.map((route) => ({ feedbackId: record.item.id, blueprintId: route.blueprint.id })),
    );
    const wantedKeys = new Set(wanted.map(key));
    const storedKeys = new Set(stored.map(key));
    for (const row of stored.filter((row) => !wantedKeys.has(key(row)))) await this.tx.manager.delete(LoopBlueprint, row);
    const added = wanted.filter((row) => !storedKeys.has(key(row)));
    await eachChunk(added, (rows) => this.tx.manager.insert(LoopBlueprint, rows));
  }
}
