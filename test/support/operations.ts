import type { CreateActorInput, IssueTokenInput, RevokeTokenInput } from '../../src/actors/dto/actor.inputs';
import type { BlueprintLinkInput, CreateBlueprintInput, UpdateBlueprintInput } from '../../src/blueprints/dto/blueprint.inputs';
import type { SubmitFeedbackInput, TriageFeedbackInput, UpdateFeedbackInput, VoteFeedbackInput } from '../../src/feedback/dto/feedback.inputs';
import type { LoopStage } from '../../src/feedback/feedback.enums';
import type { CloseLoopInput, MergeFeedbackInput, ReopenLoopInput, VerifyClosureInput } from '../../src/loops/dto/loop.inputs';
import type { RecordReleaseOutcomeInput } from '../../src/outcomes/dto/outcome.inputs';
import type { OutcomeResult } from '../../src/outcomes/outcome.enums';
import type { CreateReleaseInput, UpdateReleaseInput } from '../../src/releases/dto/release.inputs';
import type { CreateThemeInput, FeedbackThemeLinkInput, UpdateThemeInput } from '../../src/themes/dto/theme.inputs';
import type { RegisterWebhookInput } from '../../src/webhooks/dto/webhook.inputs';
import type { TestService } from './service';

type Named<V> = V extends string ? `${V}` : V extends Array<infer Item> ? Array<Named<Item>> : V;

/** An input of the API as a client writes it: each enum value by its name, as the GraphQL variables carry it. */
export type ApiInput<T> = { [K in keyof T]: Named<T[K]> };

export type RoleName = ApiInput<CreateActorInput>['role'];

export interface FeedbackSummary {
  key: string;
  stage: `${LoopStage}`;
}

export interface ThemeSummary {
  key: string;
}

export interface BlueprintSummary {
  key: string;
}

export interface ReleaseSummary {
  name: string;
  sequence: number;
}

export interface OutcomeSummary {
  id: string;
  result: `${OutcomeResult}`;
}

export interface LoopSummary {
  key: string;
  stage: `${LoopStage}`;
}

export interface FeedbackThemeLink {
  feedback: FeedbackSummary;
  theme: ThemeSummary;
}

export interface Merge {
  duplicate: FeedbackSummary;
  survivor: FeedbackSummary;
}

/**
 * The writes that the tests make over and over to build a dataset, named
 * and shaped as the API's mutations, each with its input as the API takes
 * it. The same operations run over GraphQL (as a token) or on the core
 * module (as an actor), so a test reads the same either way.
 */
export interface Operations<Caller> {
  submitFeedback(by: Caller, input: ApiInput<SubmitFeedbackInput>): Promise<FeedbackSummary>;
  updateFeedback(by: Caller, input: ApiInput<UpdateFeedbackInput>): Promise<FeedbackSummary>;
  voteFeedback(by: Caller, input: ApiInput<VoteFeedbackInput>): Promise<FeedbackSummary>;
  triageFeedback(by: Caller, input: ApiInput<TriageFeedbackInput>): Promise<FeedbackSummary>;
  mergeFeedback(by: Caller, input: ApiInput<MergeFeedbackInput>): Promise<Merge>;
  createTheme(by: Caller, input: ApiInput<CreateThemeInput>): Promise<ThemeSummary>;
  updateTheme(by: Caller, input: ApiInput<UpdateThemeInput>): Promise<ThemeSummary>;
  linkFeedbackToTheme(by: Caller, input: ApiInput<FeedbackThemeLinkInput>): Promise<FeedbackThemeLink>;
  createBlueprint(by: Caller, input: ApiInput<CreateBlueprintInput>): Promise<BlueprintSummary>;
  updateBlueprint(by: Caller, input: ApiInput<UpdateBlueprintInput>): Promise<BlueprintSummary>;
  linkBlueprint(by: Caller, input: ApiInput<BlueprintLinkInput>): Promise<BlueprintSummary>;
  unlinkBlueprint(by: Caller, input: ApiInput<BlueprintLinkInput>): Promise<BlueprintSummary>;
  createRelease(by: Caller, input: ApiInput<CreateReleaseInput>): Promise<ReleaseSummary>;
  updateRelease(by: Caller, input: ApiInput<UpdateReleaseInput>): Promise<ReleaseSummary>;
  recordReleaseOutcome(by: Caller, input: ApiInput<RecordReleaseOutcomeInput>): Promise<OutcomeSummary>;
  closeLoop(by: Caller, input: ApiInput<CloseLoopInput>): Promise<LoopSummary>;
  reopenLoop(by: Caller, input: ApiInput<ReopenLoopInput>): Promise<LoopSummary>;
  verifyClosure(by: Caller, input: ApiInput<VerifyClosureInput>): Promise<LoopSummary>;
}

export interface IssuedToken {
  token: string;
  apiToken: { id: string };
}

/** Over GraphQL, also what only an admin's token may do. */
export interface GraphQLOperations extends Operations<string> {
  createActor(by: string, input: ApiInput<CreateActorInput>): Promise<{ id: string }>;
  issueToken(by: string, input: ApiInput<IssueTokenInput>): Promise<IssuedToken>;
  revokeToken(by: string, input: ApiInput<RevokeTokenInput>): Promise<{ id: string }>;
  registerWebhook(by: string, input: ApiInput<RegisterWebhookInput>): Promise<{ id: string }>;
}

const FEEDBACK = 'key stage';
const LOOP = 'key stage';
const RELEASE = 'name sequence';

/** The operations as mutations sent with a token; each answers what it selects. */
export function graphqlOperations(service: Pick<TestService, 'ok'>): GraphQLOperations {
  const mutate = async <T>(by: string, mutation: string, inputType: string, input: object, selection: string): Promise<T> => {
    const data = await service.ok<Record<string, T>>(by, `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${selection} } }`, { input });
    return data[mutation];
  };
  const feedback = async (by: string, mutation: string, inputType: string, input: object) =>
    (await mutate<{ feedback: FeedbackSummary }>(by, mutation, inputType, input, `feedback { ${FEEDBACK} }`)).feedback;
  const theme = async (by: string, mutation: string, inputType: string, input: object) =>
    (await mutate<{ theme: ThemeSummary }>(by, mutation, inputType, input, 'theme { key }')).theme;
  const blueprint = async (by: string, mutation: string, inputType: string, input: object) =>
    (await mutate<{ blueprint: BlueprintSummary }>(by, mutation, inputType, input, 'blueprint { key }')).blueprint;
  const release = async (by: string, mutation: string, inputType: string, input: object) =>
    (await mutate<{ release: ReleaseSummary }>(by, mutation, inputType, input, `release { ${RELEASE} }`)).release;
  const loop = async (by: string, mutation: string, inputType: string, input: object) =>
    (await mutate<{ loop: LoopSummary }>(by, mutation, inputType, input, `loop { ${LOOP} }`)).loop;

  return {
    submitFeedback: (by, input) => feedback(by, 'submitFeedback', 'SubmitFeedbackInput', input),
    updateFeedback: (by, input) => feedback(by, 'updateFeedback', 'UpdateFeedbackInput', input),
    voteFeedback: (by, input) => feedback(by, 'voteFeedback', 'VoteFeedbackInput', input),
    triageFeedback: (by, input) => feedback(by, 'triageFeedback', 'TriageFeedbackInput', input),
    mergeFeedback: (by, input) =>
      mutate(by, 'mergeFeedback', 'MergeFeedbackInput', input, `duplicate { ${FEEDBACK} } survivor { ${FEEDBACK} }`),
    createTheme: (by, input) => theme(by, 'createTheme', 'CreateThemeInput', input),
    updateTheme: (by, input) => theme(by, 'updateTheme', 'UpdateThemeInput', input),
    linkFeedbackToTheme: (by, input) =>
      mutate(by, 'linkFeedbackToTheme', 'FeedbackThemeLinkInput', input, `feedback { ${FEEDBACK} } theme { key }`),
    createBlueprint: (by, input) => blueprint(by, 'createBlueprint', 'CreateBlueprintInput', input),
    updateBlueprint: (by, input) => blueprint(by, 'updateBlueprint', 'UpdateBlueprintInput', input),
    linkBlueprint: (by, input) => blueprint(by, 'linkBlueprint', 'BlueprintLinkInput', input),
    unlinkBlueprint: (by, input) => blueprint(by, 'unlinkBlueprint', 'BlueprintLinkInput', input),
    createRelease: (by, input) => release(by, 'createRelease', 'CreateReleaseInput', input),
    updateRelease: (by, input) => release(by, 'updateRelease', 'UpdateReleaseInput', input),
    recordReleaseOutcome: async (by, input) =>
      (await mutate<{ outcome: OutcomeSummary }>(by, 'recordReleaseOutcome', 'RecordReleaseOutcomeInput', input, 'outcome { id result }')).outcome,
    closeLoop: (by, input) => loop(by, 'closeLoop', 'CloseLoopInput', input),
    reopenLoop: (by, input) => loop(by, 'reopenLoop', 'ReopenLoopInput', input),
    verifyClosure: (by, input) => loop(by, 'verifyClosure', 'VerifyClosureInput', input),
    createActor: async (by, input) => (await mutate<{ actor: { id: string } }>(by, 'createActor', 'CreateActorInput', input, 'actor { id }')).actor,
    issueToken: (by, input) => mutate(by, 'issueToken', 'IssueTokenInput', input, 'token apiToken { id }'),
    revokeToken: async (by, input) =>
      (await mutate<{ apiToken: { id: string } }>(by, 'revokeToken', 'RevokeTokenInput', input, 'apiToken { id }')).apiToken,
    registerWebhook: async (by, input) =>
      (await mutate<{ webhook: { id: string } }>(by, 'registerWebhook', 'RegisterWebhookInput', input, 'webhook { id }')).webhook,
  };
}
