import { EVENT_CATALOGUE, EVENT_TYPES } from '../history/event-catalogue';

/** The event types a webhook may ask for. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].sentToWebhooks);
