import { INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';
import { Actor } from '../src/actors/actor.entity';
import { ActorsService } from '../src/actors/actors.service';
import { Role } from '../src/actors/role';
import { DefinitionStatus, ImplementationStatus } from '../src/blueprints/blueprint.enums';
import { BlueprintsService } from '../src/blueprints/blueprints.service';
import { run } from '../src/cli/commands';
import { FeedbackOrigin, LOOP_STAGES, LoopStage, Resolution, Verdict } from '../src/feedback/feedback.enums';
import { FeedbackService } from '../src/feedback/feedback.service';
import { LoopsService } from '../src/loops/loops.service';
import { OutcomeResult } from '../src/outcomes/outcome.enums';
import { OutcomesService } from '../src/outcomes/outcomes.service';
import { ReleasesService } from '../src/releases/releases.service';
import { ThemeKind } from '../src/themes/theme.enums';
import { ThemesService } from '../src/themes/themes.service';
import { DomainError } from '../src/common/errors';
import { startCore, TestCore } from './support/core';
import { testConfig } from './support/config';
import { createTestDatabase, TestDatabase } from './support/database';
import { HealthTallyService } from '../src/loops/health/health-tally.service';

/**
 * DOMAIN.md: the stored stage of every loop equals the stage recomputed from
 * scratch, after any sequence of operations. Random sequences of every kind of
 * write (links, unlinks, statuses, outcomes, closures, disputes, merges, moves
 * in the theme tree) run against a real database file; after each, every loop
 * is recomputed from scratch and compared with what is stored. Then the same
 * operations come from many clients at once, through two instances on one
 * PostgreSQL database, as they do in production.
 */
const FEEDBACK = 4;
const THEMES = [ThemeKind.THEME, ThemeKind.USER_STORY, ThemeKind.GAP];
const BLUEPRINTS = [
  ['nova', 'alpha'],
  ['nova', 'beta'],
  ['neutron', 'gamma'],
];
const RELEASES = ['Pike', 'Queens'];

const index = (size: number) => fc.integer({ min: 0, max: size - 1 });
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 3 });
const result = fc.oneof({ arbitrary: fc.constant(OutcomeResult.DELIVERED), weight: 2 }, fc.constantFrom(...Object.values(OutcomeResult)));
const operation = fc.oneof(
  fc.record({ op: fc.constant('triage' as const), fb: index(FEEDBACK) }),
  often(fc.record({ op: fc.constant('linkTheme' as const), fb: index(FEEDBACK), th: index(THEMES.length) })),
  fc.record({ op: fc.constant('unlinkTheme' as const), fb: index(FEEDBACK), th: index(THEMES.length) }),
  often(fc.record({ op: fc.constant('linkBlueprintToTheme' as const), bp: index(BLUEPRINTS.length), th: index(THEMES.length) })),
  fc.record({ op: fc.constant('unlinkBlueprintFromTheme' as const), bp: index(BLUEPRINTS.length), th: index(THEMES.length) }),
  often(fc.record({ op: fc.constant('linkBlueprintToFeedback' as const), bp: index(BLUEPRINTS.length), fb: index(FEEDBACK) })),
  fc.record({ op: fc.constant('unlinkBlueprintFromFeedback' as const), bp: index(BLUEPRINTS.length), fb: index(FEEDBACK) }),
  fc.record({ op: fc.constant('implementation' as const), bp: index(BLUEPRINTS.length), status: fc.constantFrom(...Object.values(ImplementationStatus)) }),
  fc.record({ op: fc.constant('definition' as const), bp: index(BLUEPRINTS.length), status: fc.constantFrom(...Object.values(DefinitionStatus)) }),
  often(fc.record({ op: fc.constant('outcome' as const), bp: index(BLUEPRINTS.length), release: index(RELEASES.length), result })),
  fc.record({ op: fc.constant('close' as const), fb: index(FEEDBACK), resolution: fc.constantFrom(Resolution.DELIVERED, Resolution.DECLINED, Resolution.OBSOLETE) }),
  fc.record({ op: fc.constant('reopen' as const), fb: index(FEEDBACK) }),
  fc.record({ op: fc.constant('verify' as const), fb: index(FEEDBACK), verdict: fc.constantFrom(...Object.values(Verdict)) }),
  fc.record({ op: fc.constant('merge' as const), fb: index(FEEDBACK), into: index(FEEDBACK) }),
  fc.record({ op: fc.constant('reparent' as const), th: fc.constantFrom(1, 2), parent: fc.option(index(2), { nil: null }) }),
  fc.record({ op: fc.constant('resequence' as const), release: index(RELEASES.length), sequence: fc.integer({ min: 1, max: 5 }) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Who writes: a product manager, a tech lead, and the submitter of each request of a universe. */
interface Cast {
  pm: Actor;
  lead: Actor;
  submitters: Actor[];
}

async function castOn(context: INestApplicationContext): Promise<Cast> {
  const actors = context.get(ActorsService);
  const pm = await actors.create(null, { name: 'PM', email: 'pm@example.org', role: Role.PRODUCT_MANAGER });
  const lead = await actors.create(null, { name: 'Lead', email: 'lead@example.org', role: Role.TECH_LEAD });
  const submitters: Actor[] = [];
  for (let i = 0; i < FEEDBACK; i++) {
    submitters.push(await actors.create(null, { name: `Operator ${i}`, email: `op${i}@example.org`, role: Role.OPERATOR }));
  }
  return { pm, lead, submitters };
}

/** The records one run plays with: requests, a chain of themes, blueprints; made fresh for every run. */
interface Universe {
  feedbackKeys: string[];
  themeKeys: string[];
  names: Array<{ project: string; name: string }>;
}

async function createUniverse(context: INestApplicationContext, { pm, lead, submitters }: Cast, universe: number): Promise<Universe> {
  const feedbackKeys: string[] = [];
  for (let i = 0; i < FEEDBACK; i++) {
    feedbackKeys.push((await context.get(FeedbackService).submit(submitters[i], { title: `Request ${universe}.${i}`, origin: FeedbackOrigin.OPERATOR })).key);
  }
  const themeKeys: string[] = [];
  for (const [i, kind] of THEMES.entries()) {
    const parentKey = i > 0 ? themeKeys[i - 1] : undefined;
    themeKeys.push((await context.get(ThemesService).create(pm, { title: `Theme ${universe}.${i}`, kind, parentKey })).key);
  }
  const names = BLUEPRINTS.map(([project, name]) => ({ project, name: `${name}-${universe}` }));
  for (const ref of names) await context.get(BlueprintsService).create(lead, { ...ref, title: 'Some work' });
  return { feedbackKeys, themeKeys, names };
}

/** Applies one operation through the services of the context; a refusal of the domain (a conflict, bad input) is part of the game. */
async function apply(context: INestApplicationContext, { pm, lead, submitters }: Cast, { feedbackKeys, themeKeys, names }: Universe, step: Operation): Promise<void> {
  const feedback = context.get(FeedbackService);
  const themes = context.get(ThemesService);
  const blueprints = context.get(BlueprintsService);
  const outcomes = context.get(OutcomesService);
  const releases = context.get(ReleasesService);
  const loops = context.get(LoopsService);
  const write = async () => {
    switch (step.op) {
      case 'triage':
        return feedback.triage(pm, feedbackKeys[step.fb], null);
      case 'linkTheme':
        return themes.linkFeedback(pm, { feedbackKey: feedbackKeys[step.fb], themeKey: themeKeys[step.th] });
      case 'unlinkTheme':
        return themes.unlinkFeedback(pm, { feedbackKey: feedbackKeys[step.fb], themeKey: themeKeys[step.th] });
      case 'linkBlueprintToTheme':
        return blueprints.link(lead, { ...names[step.bp], themeKey: themeKeys[step.th] });
      case 'unlinkBlueprintFromTheme':
        return blueprints.unlink(lead, { ...names[step.bp], themeKey: themeKeys[step.th] });
      case 'linkBlueprintToFeedback':
        return blueprints.link(lead, { ...names[step.bp], feedbackKey: feedbackKeys[step.fb] });
      case 'unlinkBlueprintFromFeedback':
        return blueprints.unlink(lead, { ...names[step.bp], feedbackKey: feedbackKeys[step.fb] });
      case 'implementation':
        return blueprints.update(lead, { ...names[step.bp], implementationStatus: step.status });
      case 'definition':
        return blueprints.update(lead, { ...names[step.bp], definitionStatus: step.status });
      case 'outcome':
        return outcomes.record(pm, { ...names[step.bp], release: RELEASES[step.release], result: step.result });
      case 'close':
        return loops.close(pm, { key: feedbackKeys[step.fb], resolution: step.resolution, note: 'closing' });
      case 'reopen':
        return loops.reopen(pm, feedbackKeys[step.fb], 'again');
      case 'verify':
        return loops.verify(submitters[step.fb], feedbackKeys[step.fb], step.verdict, null);
      case 'merge':
        return loops.merge(pm, { duplicateKey: feedbackKeys[step.fb], survivorKey: feedbackKeys[step.into] });
      case 'reparent':
        return step.parent === null
          ? themes.update(pm, { key: themeKeys[step.th], detachFromParent: true })
          : themes.update(pm, { key: themeKeys[step.th], parentKey: themeKeys[step.parent] });
      case 'resequence':
        return releases.update(pm, { name: RELEASES[step.release], sequence: step.sequence });
    }
  };
  try {
    await write();
  } catch (error) {
    // Refusals (conflicts, bad input) are part of the game; anything else is a failure.
    if (!(error instanceof DomainError)) throw error;
  }
}

/** Every loop recomputed from scratch against what is stored, and the health tally against a recount: empty when both hold. */
async function mismatchesOn(context: INestApplicationContext): Promise<unknown[]> {
  return [...(await context.get(LoopsService).findStageMismatches()), ...(await context.get(HealthTallyService).findMismatches())];
}

describe('the stage invariant', () => {
  let core: TestCore;
  let context: INestApplicationContext;
  let universe = 0;

  beforeAll(async () => {
    // No webhook worker: on an SQLite file its polls are transactions on the one writer connection, and a statement written behind
    // the projector's back (below) would land inside one of them, unseen by the readers until it commits.
    core = await startCore({ webhooks: { ...testConfig({ engine: 'sqlite', path: ':memory:' }).webhooks, pollMs: 0 } });
    context = core.context;
  });

  afterAll(() => core.close());

  it('holds after every operation of any sequence', async () => {
    const cast = await castOn(context);
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 30 }), async (operations) => {
        universe += 1;
        const records = await createUniverse(context, cast, universe);
        for (const step of operations) {
          await apply(context, cast, records, step);
          const mismatches = await mismatchesOn(context);
          if (mismatches.length) throw new Error(`after ${JSON.stringify(step)}: ${JSON.stringify(mismatches)}`);
        }
      }),
      { numRuns: 40, seed: 20261124 },
    );
  });

  it('explored every stage on the way', async () => {
    const rows = await core.sql<{ after: string }>(`SELECT after FROM loop_event WHERE type = 'loop.stage_changed'`);
    const seen = new Set([LoopStage.REQUESTED, ...rows.map((row) => (JSON.parse(row.after) as { stage: LoopStage }).stage)]);
    expect([...seen].sort()).toEqual([...LOOP_STAGES].sort());
  });

  it('can fail: a stage written behind the projector is found', async () => {
    const [{ stage }] = await core.sql<{ stage: string }>('SELECT stage FROM feedback_item WHERE id = 1');
    const wrong = stage === 'PLANNED' ? 'RELEASED' : 'PLANNED';
    await core.sql('UPDATE feedback_item SET stage = ? WHERE id = 1', [wrong]);
    const mismatches = await context.get(LoopsService).findStageMismatches();
    expect(mismatches).toContainEqual({ key: 'FB-1', field: 'stage', stored: JSON.stringify(wrong), derived: JSON.stringify(stage) });
  });

  it('can fail: a health counter changed behind the tally, and a share gone, are found', async () => {
    const tally = context.get(HealthTallyService);
    await core.sql(`UPDATE loop_health_tally SET count = count + 1 WHERE slice = 'all' AND metric = 'stage'`);
    await core.sql('DELETE FROM loop_health_share WHERE feedback_id = 2');
    const mismatches = await tally.findMismatches();
    expect(mismatches.map((mismatch) => mismatch.what)).toEqual(expect.arrayContaining(['share of FB-2', expect.stringMatching(/^counter all\|stage\|/)]));
    await tally.rebuild();
    expect(await tally.findMismatches()).toEqual([]);
  });
});

/**
 * Two instances on one PostgreSQL database, whatever the engine of the run,
 * each with clients of its own, every client sending its own random sequence
 * of the same operations at the same moment as the others, on the same few
 * records: what one write derives from, another is changing. After every
 * round, and at the end for `stages check`, every stored stage and the health
 * tally equal what is derived from scratch.
 */
describe('the stage invariant under concurrent writes through two instances on one PostgreSQL database', () => {
  const CLIENTS = 8;
  let database: TestDatabase;
  let first: TestCore;
  let second: TestCore;
  let universe = 0;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    first = await startCore({ database: database.database });
    second = await startCore({ database: database.database });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('holds after every round of sequences sent at once by many clients', async () => {
    const cast = await castOn(first.context);
    const clients = fc.array(fc.array(operation, { minLength: 3, maxLength: 8 }), { minLength: CLIENTS, maxLength: CLIENTS });
    await fc.assert(
      fc.asyncProperty(clients, async (sequences) => {
        universe += 1;
        const records = await createUniverse(first.context, cast, universe);
        await Promise.all(
          sequences.map(async (steps, client) => {
            const through = client % 2 ? second.context : first.context;
            for (const step of steps) await apply(through, cast, records, step);
          }),
        );
        const mismatches = await mismatchesOn(second.context);
        if (mismatches.length) throw new Error(`after ${JSON.stringify(sequences)}: ${JSON.stringify(mismatches)}`);
      }),
      { numRuns: 20, seed: 20261204 },
    );
    let said = '';
    const status = await run(testConfig(database.database), ['stages', 'check'], (text) => (said += text));
    expect({ status, said }).toEqual({ status: 0, said: 'Every stored stage matches its facts.\nThe health tally and the listings match the loops.\n' });
    // Twenty rounds of a hundred writes at once, on a machine that may be busy with other work: more than the default minute.
  }, 300_000);

  it('moved loops through every stage on the way', async () => {
    const rows = await first.sql<{ after: string }>(`SELECT after FROM loop_event WHERE type = 'loop.stage_changed'`);
    const seen = new Set([LoopStage.REQUESTED, ...rows.map((row) => (JSON.parse(row.after) as { stage: LoopStage }).stage)]);
    expect([...seen].sort()).toEqual([...LOOP_STAGES].sort());
  });
});
