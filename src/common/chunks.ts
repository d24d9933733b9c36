/**
 * How many records a read takes at once: their related rows come in a fixed
 * number of statements, every IN list stays short, and the work done between
 * two statements (when other requests get their turn) stays brief.
 */
const CHUNK = 200;

/** Does the work on the items a chunk at a time, one chunk after the other; the results come in the order of the items. */
export async function inChunks<T, R>(items: readonly T[], work: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += CHUNK) results.push(...(await work(items.slice(start, start + CHUNK))));
  return results;
}
