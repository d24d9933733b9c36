import { Role } from '../common/role';
import type { JsonObject, LoopEvent } from './loop-event.entity';

/**
 * The event catalogue: every kind of event the history records, what each
 * one carries, who may see it, and what it sets going. The projector, the
 * inbox, the search index, the webhook outbox and live events read it here;
 * no other file in src/ names an event type. docs/notifications.md describes
 * each type for the people who receive them.
 */

/** The kinds of record events are about (LoopEvent.recordType). */
export enum RecordType {
  FEEDBACK = 'feedback',
  THEME = 'theme',
  BLUEPRINT = 'blueprint',
  RELEASE = 'release',
  OUTCOME = 'outcome',
  LINK = 'link',
  ACTOR = 'actor',
  TOKEN = 'token',
  WEBHOOK = 'webhook',
}

export enum EventType {
  FEEDBACK_SUBMITTED = 'feedback.submitted',
  FEEDBACK_UPDATED = 'feedback.updated',
  FEEDBACK_VOTED = 'feedback.voted',
  FEEDBACK_VOTES_IMPORTED = 'feedback.votes_imported',
  FEEDBACK_MERGED = 'feedback.merged',
  LOOP_TRIAGED = 'loop.triaged',
  LOOP_STAGE_CHANGED = 'loop.stage_changed',
  LOOP_RELEASED = 'loop.released',
  LOOP_CLOSED = 'loop.closed',
  LOOP_VERIFIED = 'loop.verified',
  LOOP_DISPUTED = 'loop.disputed',
  LOOP_REOPENED = 'loop.reopened',
  LOOP_STALLED = 'loop.stalled',
  LINK_CREATED = 'link.created',
  LINK_REMOVED = 'link.removed',
  THEME_CREATED = 'theme.created',
  THEME_UPDATED = 'theme.updated',
  BLUEPRINT_CREATED = 'blueprint.created',
  BLUEPRINT_UPDATED = 'blueprint.updated',
  OUTCOME_RECORDED = 'outcome.recorded',
  RELEASE_CREATED = 'release.created',
  RELEASE_UPDATED = 'release.updated',
  ACTOR_CREATED = 'actor.created',
  TOKEN_ISSUED = 'token.issued',
  TOKEN_REVOKED = 'token.revoked',
  WEBHOOK_REGISTERED = 'webhook.registered',
  WEBHOOK_UPDATED = 'webhook.updated',
  WEBHOOK_DELIVERY_RETRIED = 'webhook.delivery_retried',
}

/** Who may see an event, wherever it reaches people: the audit log, live events, webhooks. */
export enum EventAudience {
  /** About requests, themes, blueprints, outcomes and releases, which every role reads in the graph anyway. */
  EVERYONE = 'everyone',
  /** About who may use the service and about webhooks: emails, roles, token prefixes, receivers' addresses. */
  ADMINS = 'admins',
}

/** What an event does to loops, for the projection. */
export enum LoopEffect {
  /** It may change the facts of loops: the projection finds the loops its records reach, files it in their timelines and recomputes them. */
  MOVES = 'moves',
  /** It tells of a loop's own move, as the projection derived it: filed in that loop's timeline, counted as activity, never projected again. */
  FOLLOWS = 'follows',
  /** It reports on a loop without moving it (a stall): filed in its timeline, not counted as activity. */
  REPORTS = 'reports',
  /** It concerns no loop. */
  NONE = 'none',
}

/** What the requesters of a loop are told of (their inbox). */
export enum NotificationKind {
  RELEASED = 'RELEASED',
  CLOSED = 'CLOSED',
  REOPENED = 'REOPENED',
  MERGED = 'MERGED',
}

export interface EventKind {
  record: RecordType;
  audience: EventAudience;
  loops: LoopEffect;
  /** Its loop's submitter and voters are told, in their inbox. */
  notifies?: NotificationKind;
  /** Its body, sent to webhooks, names the people the inbox tells (data.notify), so that an announcement can name them too. */
  namesNotified?: true;
  /** Its record's search document changed. */
  reindexes?: true;
  /** Sent to webhooks that ask for it: what happens to webhooks is not, so that a delivery can never cause another. */
  sentToWebhooks: boolean;
}

const everyone = { audience: EventAudience.EVERYONE, sentToWebhooks: true } as const;
const admins = { audience: EventAudience.ADMINS, sentToWebhooks: true } as const;

export const EVENT_CATALOGUE: { readonly [T in EventType]: EventKind } = {
  [EventType.FEEDBACK_SUBMITTED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES, reindexes: true },
  [EventType.FEEDBACK_UPDATED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES, reindexes: true },
  [EventType.FEEDBACK_VOTED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES },
  [EventType.FEEDBACK_VOTES_IMPORTED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES },
  [EventType.FEEDBACK_MERGED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES, notifies: NotificationKind.MERGED },
  [EventType.LOOP_TRIAGED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES },
  [EventType.LOOP_STAGE_CHANGED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.FOLLOWS },
  [EventType.LOOP_RELEASED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.FOLLOWS, notifies: NotificationKind.RELEASED, namesNotified: true },
  [EventType.LOOP_CLOSED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES, notifies: NotificationKind.CLOSED, namesNotified: true },
  [EventType.LOOP_VERIFIED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES },
  [EventType.LOOP_DISPUTED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES },
  [EventType.LOOP_REOPENED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.MOVES, notifies: NotificationKind.REOPENED },
  [EventType.LOOP_STALLED]: { ...everyone, record: RecordType.FEEDBACK, loops: LoopEffect.REPORTS },
  [EventType.LINK_CREATED]: { ...everyone, record: RecordType.LINK, loops: LoopEffect.MOVES },
  [EventType.LINK_REMOVED]: { ...everyone, record: RecordType.LINK, loops: LoopEffect.MOVES },
  [EventType.THEME_CREATED]: { ...everyone, record: RecordType.THEME, loops: LoopEffect.NONE, reindexes: true },
  [EventType.THEME_UPDATED]: { ...everyone, record: RecordType.THEME, loops: LoopEffect.MOVES, reindexes: true },
  [EventType.BLUEPRINT_CREATED]: { ...everyone, record: RecordType.BLUEPRINT, loops: LoopEffect.NONE, reindexes: true },
  [EventType.BLUEPRINT_UPDATED]: { ...everyone, record: RecordType.BLUEPRINT, loops: LoopEffect.MOVES, reindexes: true },
  [EventType.OUTCOME_RECORDED]: { ...everyone, record: RecordType.OUTCOME, loops: LoopEffect.MOVES },
  [EventType.RELEASE_CREATED]: { ...everyone, record: RecordType.RELEASE, loops: LoopEffect.NONE },
  [EventType.RELEASE_UPDATED]: { ...everyone, record: RecordType.RELEASE, loops: LoopEffect.MOVES },
  [EventType.ACTOR_CREATED]: { ...admins, record: RecordType.ACTOR, loops: LoopEffect.NONE },
  [EventType.TOKEN_ISSUED]: { ...admins, record: RecordType.TOKEN, loops: LoopEffect.NONE },
  [EventType.TOKEN_REVOKED]: { ...admins, record: RecordType.TOKEN, loops: LoopEffect.NONE },
  [EventType.WEBHOOK_REGISTERED]: { ...admins, record: RecordType.WEBHOOK, loops: LoopEffect.NONE, sentToWebhooks: false },
  [EventType.WEBHOOK_UPDATED]: { ...admins, record: RecordType.WEBHOOK, loops: LoopEffect.NONE, sentToWebhooks: false },
  [EventType.WEBHOOK_DELIVERY_RETRIED]: { ...admins, record: RecordType.WEBHOOK, loops: LoopEffect.NONE, sentToWebhooks: false },
};

/** Every event type, in the catalogue's order. */
export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);

export const isEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);

/** What the catalogue says of an event's type. */
export const kindOf = (type: string): EventKind => {
  if (!isEventType(type)) throw new Error(`The history has no event type ${type}.`);
  return EVENT_CATALOGUE[type];
};

/** An event type as a filter or a webhook names it: dotted lower case. */
export const EVENT_TYPE_PATTERN = /^[a-z]+(\.[a-z_]+)+$/;

/** An event type or a family of them (`loop.*`), as live filters name them. */
export const EVENT_FAMILY_PATTERN = /^[a-z]+(\.([a-z_]+|\*))+$/;

/** Exact types, `*` for every event, or a trailing `.*` for a family: the patterns of webhooks and of the loopEvents subscription. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

/** True when the pattern matches at least one of the types: a misspelt type or a family that does not exist matches none. */
export function matchesAnyEventType(pattern: string, types: readonly string[] = EVENT_TYPES): boolean {
  return types.some((type) => matchesEventType(pattern, type));
}

/** Whoever reads events: the actor of a request or of a socket. */
export interface EventReader {
  role: Role;
}

/** The one rule for every way events reach a person, the audit log and live events alike. */
export function mayReadEvent(reader: EventReader, type: string): boolean {
  return reader.role === Role.ADMIN || kindOf(type).audience === EventAudience.EVERYONE;
}

/** The event types this reader may not see. */
export function hiddenEventTypes(reader: EventReader): EventType[] {
  return EVENT_TYPES.filter((type) => !mayReadEvent(reader, type));
}

// ---------------------------------------------------------------------------
// What each event carries. `before` and `after` hold the fields that changed;
// `data` anything else worth knowing. People are named by email or name and
// records by their keys, never by internal ids.

/** Fields of a record that changed, by name, as the history keeps them. */
type Changes = JsonObject;

interface Payload {
  before: JsonObject | null;
  after: JsonObject | null;
  data: JsonObject | null;
}

/** A payload with the parts an event type fills; the parts it leaves out are null. */
type Shaped<P extends Partial<Payload>> = {
  before: 'before' extends keyof P ? P['before'] : null;
  after: 'after' extends keyof P ? P['after'] : null;
  data: 'data' extends keyof P ? P['data'] : null;
};

type LinkData = { kind: 'feedback-theme' | 'feedback-blueprint' | 'theme-blueprint'; rationale: string | null } & (
  | { feedbackKey: string; themeKey: string; blueprintKey?: undefined }
  | { feedbackKey: string; blueprintKey: string; themeKey?: undefined }
  | { themeKey: string; blueprintKey: string; feedbackKey?: undefined }
);

/** The event that caused a derived one: loop.stage_changed and loop.released name what moved the loop. */
export type EventCause = { type: EventType; recordKey: string } | null;

export type EventPayloads = {
  [EventType.FEEDBACK_SUBMITTED]: Shaped<{ after: { title: string; origin: string; projects: string[]; tags: string[] } }>;
  [EventType.FEEDBACK_UPDATED]: Shaped<{ before: Changes; after: Changes }>;
  [EventType.FEEDBACK_VOTED]: Shaped<{ before: { voteCount: number }; after: { voteCount: number } }>;
  [EventType.FEEDBACK_VOTES_IMPORTED]: Shaped<{
    before: { importedVotes: number; voteCount: number };
    after: { importedVotes: number; voteCount: number };
  }>;
  [EventType.FEEDBACK_MERGED]: Shaped<{
    before: { mergedInto: null; survivorVoteCount: number };
    after: { mergedInto: string; survivorVoteCount: number };
    data: { duplicateKey: string; survivorKey: string; movedVotes: number; note: string | null };
  }>;
  [EventType.LOOP_TRIAGED]: Shaped<{ before: { triagedAt: null }; after: { triagedAt: string }; data: { note: string | null } }>;
  [EventType.LOOP_STAGE_CHANGED]: Shaped<{ before: { stage: string }; after: { stage: string }; data: { cause: EventCause } }>;
  [EventType.LOOP_RELEASED]: Shaped<{ after: { completedIn: string | null }; data: { cause: EventCause } }>;
  [EventType.LOOP_CLOSED]: Shaped<{
    before: { resolution: null };
    after: { resolution: string };
    data: { note: string | null; survivorKey?: string };
  }>;
  [EventType.LOOP_VERIFIED]: Shaped<{ after: { verdict: string }; data: { note: string | null } }>;
  [EventType.LOOP_DISPUTED]: Shaped<{ after: { verdict: string }; data: { note: string | null } }>;
  [EventType.LOOP_REOPENED]: Shaped<{ after: { resolution: null }; data: { note: string | null } }>;
  [EventType.LOOP_STALLED]: Shaped<{ data: { stage: string; lastEventAt: string; days: number; waitingOn: string[] } }>;
  [EventType.LINK_CREATED]: Shaped<{ data: LinkData }>;
  [EventType.LINK_REMOVED]: Shaped<{ data: LinkData }>;
  [EventType.THEME_CREATED]: Shaped<{ after: { title: string; kind: string; parentKey: string | null; status: string } }>;
  [EventType.THEME_UPDATED]: Shaped<{ before: Changes; after: Changes }>;
  [EventType.BLUEPRINT_CREATED]: Shaped<{
    after: { title: string; definitionStatus: string; implementationStatus: string; priority: string; targetRelease: string | null };
  }>;
  [EventType.BLUEPRINT_UPDATED]: Shaped<{ before: Changes; after: Changes }>;
  /** `before` is null for the first outcome of a blueprint in a release. */
  [EventType.OUTCOME_RECORDED]: Shaped<{ before: Changes | null; after: Changes; data: { blueprintKey: string; release: string } }>;
  [EventType.RELEASE_CREATED]: Shaped<{
    after: { name: string; state: string; startsOn: string | null; releasedOn: string | null; sequence: number };
  }>;
  [EventType.RELEASE_UPDATED]: Shaped<{ before: Changes; after: Changes }>;
  [EventType.ACTOR_CREATED]: Shaped<{ after: { name: string; email: string; role: string; organization: string | null } }>;
  [EventType.TOKEN_ISSUED]: Shaped<{ after: { actorEmail: string; label: string; prefix: string } }>;
  [EventType.TOKEN_REVOKED]: Shaped<{ before: { revokedAt: null }; after: { revokedAt: string }; data: { label: string; prefix: string } }>;
  [EventType.WEBHOOK_REGISTERED]: Shaped<{ after: Changes }>;
  [EventType.WEBHOOK_UPDATED]: Shaped<{ before: Changes; after: Changes; data: { secretChanged: true } | null }>;
  [EventType.WEBHOOK_DELIVERY_RETRIED]: Shaped<{
    before: { status: string; attempts: number };
    after: { status: string; attempts: number };
    data: { deliveryId: string; eventId: number };
  }>;
};

/** A stored event of a known type, its payload typed. */
export type EventOf<T extends EventType> = Omit<LoopEvent, 'type' | 'before' | 'after' | 'data'> & { type: T } & EventPayloads[T];

/** Narrows a stored event to one (or one of several) types, so that its payload is read as the writer wrote it. */
export function isEventOf<T extends EventType>(event: Pick<LoopEvent, 'type'>, ...types: T[]): event is EventOf<T> & LoopEvent {
  return (types as string[]).includes(event.type);
}

/** Payload fields that are null for a type may be left out of its draft. */
type DraftPayload<P> = { [K in keyof P as null extends P[K] ? K : never]?: P[K] } & { [K in keyof P as null extends P[K] ? never : K]: P[K] };

/** Records whose loops an event may have moved; the projection finds those loops. */
export interface Touches {
  feedback?: number[];
  themes?: number[];
  blueprints?: number[];
  /** Releases whose place in the sequence changed: it decides which delivery completed a loop. */
  releases?: number[];
}

/** What a write tells the history of one event, typed by the event's type. */
export type EventDraftOf<T extends EventType> = {
  type: T;
  recordKey: string;
  /** Null only for the service's own doings (start-up, sweeps). */
  actorId: number | null;
  /** Other records the event concerns (the other end of a link): it is found by their keys too. */
  otherRecordKeys?: string[];
  /** For events that move loops: the records whose loops may have moved. For those that follow or report on a loop: that loop. */
  touches?: Touches;
} & DraftPayload<EventPayloads[T]>;

/** A draft of any type. */
export type EventDraft = { [T in EventType]: EventDraftOf<T> }[EventType];
