import { EVENT_TYPES } from '../history/event-types';

/** What happens to webhooks is not sent to them, so that a delivery can never cause another. */
export const isSentToWebhooks = (type: string): boolean => !type.startsWith('webhook.');

/** The event types a webhook may ask for. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = EVENT_TYPES.filter(isSentToWebhooks);
