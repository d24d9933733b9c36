/** What a check returns when it has not seen what it waits for yet. */
type NotYet = false | null | undefined | 0 | '';

/**
 * Resolves to the first truthy value of the check, asked again every 20 ms
 * until the time is up: for what the service does after it answers (events
 * relayed, sockets closed, webhooks delivered, jobs finished).
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, NotYet>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
