import type { EventDraft, EventKind } from './event-catalogue';
import type { LoopEvent } from './loop-event.entity';

/**
 * What follows every event the history records, inside the write that
 * recorded it, in the order of CONSEQUENCES below. Each part that reacts to
 * events registers its handler under its consequence (HistoryService.onRecorded);
 * nothing else runs. Once the write has committed, the event is published
 * live (history/live-events.ts): to subscribers here, to other instances
 * (history/postgres-live-relay.ts) and to the sockets of revoked tokens
 * (actors/token-sockets.ts).
 */
export enum Consequence {
  /** loops/stage-projector.ts: finds the loops the event concerns, files it in their timelines, recomputes their stages and records how they moved. */
  PROJECTION = 'projection',
  /** loops/health/health-tally.service.ts: counts the loops the write touched into the health tally again, once, just before it commits. */
  TALLY = 'tally',
  /** notifications/notifications.service.ts: tells the submitter and voters of the loop, for the types that notify. */
  INBOX = 'inbox',
  /** webhooks/webhooks.service.ts: one delivery for each active webhook that asks for the type. */
  OUTBOX = 'outbox',
  /** search/search.service.ts: rewrites the search document of the event's record, for the types that reindex. */
  SEARCH = 'search',
  /** loops/event-scope.ts: the themes and projects the event concerns, for live filters, while anyone watches. */
  LIVE_SCOPE = 'live-scope',
}

/** The consequences in the order they run; each names those it must come after. */
export const CONSEQUENCES: ReadonlyArray<{ id: Consequence; after: readonly Consequence[] }> = [
  { id: Consequence.PROJECTION, after: [] },
  // The inbox and the outbox tell the people of the loops the projection found; search and live filters read the loops as the projection left them.
  { id: Consequence.TALLY, after: [Consequence.PROJECTION] },
  { id: Consequence.INBOX, after: [Consequence.PROJECTION] },
  { id: Consequence.OUTBOX, after: [Consequence.PROJECTION] },
  { id: Consequence.SEARCH, after: [Consequence.PROJECTION] },
  { id: Consequence.LIVE_SCOPE, after: [Consequence.PROJECTION] },
];

/** An event as its consequences see it: the stored row, what the write said of it, and what the catalogue says of its type. */
export interface RecordedEvent {
  event: LoopEvent;
  draft: EventDraft;
  kind: EventKind;
}

/** A recorded event with the loops it concerns, as the projection found them. */
export interface ProjectedEvent extends RecordedEvent {
  loops: readonly number[];
}

/** The handler of each consequence: the projection returns the loops the event concerns, the others work from them. */
export type ConsequenceHandlers = { [Consequence.PROJECTION]: (recorded: RecordedEvent) => Promise<readonly number[]> } & {
  [C in Exclude<Consequence, Consequence.PROJECTION>]: (projected: ProjectedEvent) => Promise<void>;
};

/** Checks that every consequence comes after those it names, so that the list's order is an order they can run in. */
export function checkedOrder(consequences: typeof CONSEQUENCES): Consequence[] {
  const seen = new Set<Consequence>();
  for (const { id, after } of consequences) {
    const early = after.find((before) => !seen.has(before));
    if (early) throw new Error(`The consequence ${id} must come after ${early}, which is listed later or not at all.`);
    if (seen.has(id)) throw new Error(`The consequence ${id} is listed twice.`);
    seen.add(id);
  }
  return [...seen];
}
