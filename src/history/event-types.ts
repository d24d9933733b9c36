/** Every type of event the history records; docs/notifications.md says what each one means. */
export const EVENT_TYPES: readonly string[] = [
  'feedback.submitted',
  'feedback.updated',
  'feedback.voted',
  'feedback.votes_imported',
  'feedback.merged',
  'loop.triaged',
  'loop.stage_changed',
  'loop.released',
  'loop.closed',
  'loop.verified',
  'loop.disputed',
  'loop.reopened',
  'loop.stalled',
  'link.created',
  'link.removed',
  'theme.created',
  'theme.updated',
  'blueprint.created',
  'blueprint.updated',
  'outcome.recorded',
  'release.created',
  'release.updated',
  'actor.created',
  'token.issued',
  'token.revoked',
  'webhook.registered',
  'webhook.updated',
  'webhook.delivery_retried',
];

/** Exact types, `*` for every event, or a trailing `.*` for a family: the patterns of webhooks and of the loopEvents subscription. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

/** True when the pattern matches at least one of the types: a misspelt type or a family that does not exist matches none. */
export function matchesAnyEventType(pattern: string, types: readonly string[] = EVENT_TYPES): boolean {
  return types.some((type) => matchesEventType(pattern, type));
}
