import { LoopEvent } from './loop-event.entity';

/**
 * Events about who may use the service (actors and their tokens) and about
 * webhooks carry emails, roles, token prefixes and receivers' addresses: they
 * are for admins only. Every other event is about requests, themes,
 * blueprints, outcomes and releases, which every role reads in the graph
 * anyway.
 */
export const ADMIN_RECORD_TYPES: readonly string[] = ['actor', 'token', 'webhook'];

/** Whoever reads events: the actor of a request or of a socket. */
export interface EventReader {
  role: string;
}

/**
 * The one rule for every way events reach a person, the audit log and live
 * events alike: the kinds of record whose events this reader may not see.
 * The role is compared by name because the history sits below the actors.
 */
export function hiddenRecordTypes(reader: EventReader): readonly string[] {
  return reader.role === 'ADMIN' ? [] : ADMIN_RECORD_TYPES;
}

export function mayReadEvent(reader: EventReader, event: Pick<LoopEvent, 'recordType'>): boolean {
  return !hiddenRecordTypes(reader).includes(event.recordType);
}
