import { INestApplicationContext, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Actor } from '../../src/actors/actor.entity';
import { ActorsService } from '../../src/actors/actors.service';
import { CreateActorInput } from '../../src/actors/dto/actor.inputs';
import { BlueprintLinkInput, CreateBlueprintInput, UpdateBlueprintInput } from '../../src/blueprints/dto/blueprint.inputs';
import { BlueprintsService } from '../../src/blueprints/blueprints.service';
import { Clock } from '../../src/common/clock';
import { validateInput } from '../../src/common/validation.pipe';
import { LooptraceConfig } from '../../src/config/config';
import { CoreModule } from '../../src/core.module';
import { WRITER } from '../../src/database/writer';
import { SubmitFeedbackInput, TriageFeedbackInput, UpdateFeedbackInput, VoteFeedbackInput } from '../../src/feedback/dto/feedback.inputs';
import { FeedbackItem } from '../../src/feedback/feedback-item.entity';
import { FeedbackService } from '../../src/feedback/feedback.service';
import { CloseLoopInput, MergeFeedbackInput, ReopenLoopInput, VerifyClosureInput } from '../../src/loops/dto/loop.inputs';
import { LoopsService } from '../../src/loops/loops.service';
import type { Trace } from '../../src/loops/trace';
import { TraceService } from '../../src/loops/trace.service';
import { RecordReleaseOutcomeInput } from '../../src/outcomes/dto/outcome.inputs';
import { OutcomesService } from '../../src/outcomes/outcomes.service';
import { CreateReleaseInput, UpdateReleaseInput } from '../../src/releases/dto/release.inputs';
import { Release } from '../../src/releases/release.entity';
import { ReleasesService } from '../../src/releases/releases.service';
import { CreateThemeInput, FeedbackThemeLinkInput, UpdateThemeInput } from '../../src/themes/dto/theme.inputs';
import { ThemesService } from '../../src/themes/themes.service';
import { ADMIN_TOKEN, emailOf, testConfig, TestClock } from './config';
import { createTestDatabase, directSql, DirectSql } from './database';
import { ApiInput, FeedbackSummary, Operations, ReleaseSummary, RoleName } from './operations';
import type { ErrorExtensions, ResponseError } from './service';
import { extensionsOf } from '../../src/common/error-formatter';
import { DomainError } from '../../src/common/errors';

/**
 * The domain on its database without a server: the core module, as the
 * command line starts it, for the rules that need no HTTP. It leaves out the
 * GraphQL schema, the pages and the HTTP server, most of what a service takes
 * to start. It runs on a fresh database of the test engine (or the one the
 * overrides name, which the caller then owns), with the admin of ADMIN_TOKEN,
 * who creates the test's actors as an admin would through the API.
 */
export interface TestCore extends DirectSql {
  context: INestApplicationContext;
  clock: TestClock;
  /** The mutations that build a dataset, made as the API's resolvers make them, by an actor. */
  api: Operations<Actor>;
  /** Creates an actor with the role, as an admin would through the API. */
  actor(role: RoleName, name: string): Promise<Actor>;
  /** The loop of the feedback item as the exports read it: the same facts as the API's Loop, as plain data, as an admin sees them. */
  trace(key: string): Promise<Trace>;
  close(): Promise<void>;
}

export async function startCore(overrides: Partial<LooptraceConfig> = {}): Promise<TestCore> {
  if (!process.env.TEST_LOG) Logger.overrideLogger(false);
  const fresh = overrides.database ? null : await createTestDatabase();
  const database = overrides.database ?? fresh!.database;
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot({ ...testConfig(database), adminToken: ADMIN_TOKEN, ...overrides })] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  let context: INestApplicationContext;
  try {
    context = await moduleRef.init();
  } catch (error) {
    // A core that fails to start still holds what it opened (connections, timers): let it go.
    await moduleRef.close().catch(() => undefined);
    await fresh?.drop();
    throw error;
  }

  const actors = context.get(ActorsService);
  const admin = await actors.byEmail('admin@looptrace.invalid');
  let created = 0;
  const actor = async (role: RoleName, name: string) => {
    created += 1;
    const input = { name, email: emailOf(name, created), role, organization: 'Example Cloud' };
    return actors.create(admin, await validateInput(CreateActorInput, input, 'input'));
  };

  return {
    context,
    clock,
    api: coreOperations(context),
    actor,
    trace: (key) => context.get(TraceService).trace(key, admin),
    ...directSql(context.get<DataSource>(WRITER), database.engine),
    close: async () => {
      await context.close();
      await fresh?.drop();
    },
  };
}

/** A write the core refuses, as the API would answer it: its message, and its code and details in the extensions. */
export async function refusal(write: Promise<unknown>): Promise<ResponseError> {
  try {
    await write;
  } catch (error) {
    if (error instanceof DomainError) return { message: error.message, extensions: extensionsOf(error) as ErrorExtensions };
    throw error;
  }
  throw new Error('the write was not refused');
}

/** Each mutation as its resolver makes it: the input held to the API's rules, then the service call. */
function coreOperations(context: INestApplicationContext): Operations<Actor> {
  const feedback = context.get(FeedbackService);
  const themes = context.get(ThemesService);
  const blueprints = context.get(BlueprintsService);
  const releases = context.get(ReleasesService);
  const outcomes = context.get(OutcomesService);
  const loops = context.get(LoopsService);
  const valid = <T extends object>(type: new () => T, input: ApiInput<T>) => validateInput(type, input, 'input');
  const item = ({ key, stage }: FeedbackItem): FeedbackSummary => ({ key, stage });
  const release = ({ name, sequence }: Release): ReleaseSummary => ({ name, sequence });
  const blueprint = ({ key }: { key: string }) => ({ key });

  return {
    submitFeedback: async (by, input) => item(await feedback.submit(by, await valid(SubmitFeedbackInput, input))),
    updateFeedback: async (by, input) => item(await feedback.update(by, await valid(UpdateFeedbackInput, input))),
    voteFeedback: async (by, input) => item(await feedback.vote(by, (await valid(VoteFeedbackInput, input)).key)),
    triageFeedback: async (by, input) => {
      const { key, note } = await valid(TriageFeedbackInput, input);
      return item(await feedback.triage(by, key, note));
    },
    mergeFeedback: async (by, input) => {
      const { duplicate, survivor } = await loops.merge(by, await valid(MergeFeedbackInput, input));
      return { duplicate: item(duplicate), survivor: item(survivor) };
    },
    createTheme: async (by, input) => ({ key: (await themes.create(by, await valid(CreateThemeInput, input))).key }),
    updateTheme: async (by, input) => ({ key: (await themes.update(by, await valid(UpdateThemeInput, input))).key }),
    linkFeedbackToTheme: async (by, input) => {
      const linked = await themes.linkFeedback(by, await valid(FeedbackThemeLinkInput, input));
      return { feedback: item(linked.feedback), theme: { key: linked.theme.key } };
    },
    createBlueprint: async (by, input) => blueprint(await blueprints.create(by, await valid(CreateBlueprintInput, input))),
    updateBlueprint: async (by, input) => blueprint(await blueprints.update(by, await valid(UpdateBlueprintInput, input))),
    linkBlueprint: async (by, input) => blueprint((await blueprints.link(by, await valid(BlueprintLinkInput, input))).blueprint),
    unlinkBlueprint: async (by, input) => blueprint((await blueprints.unlink(by, await valid(BlueprintLinkInput, input))).blueprint),
    createRelease: async (by, input) => release(await releases.create(by, await valid(CreateReleaseInput, input))),
    updateRelease: async (by, input) => release(await releases.update(by, await valid(UpdateReleaseInput, input))),
    recordReleaseOutcome: async (by, input) => {
      const { id, result } = await outcomes.record(by, await valid(RecordReleaseOutcomeInput, input));
      return { id: String(id), result };
    },
    closeLoop: async (by, input) => item(await loops.close(by, await valid(CloseLoopInput, input))),
    reopenLoop: async (by, input) => {
      const { key, note } = await valid(ReopenLoopInput, input);
      return item(await loops.reopen(by, key, note));
    },
    verifyClosure: async (by, input) => {
      const { key, verdict, note } = await valid(VerifyClosureInput, input);
      return item(await loops.verify(by, key, verdict, note));
    },
  };
}
