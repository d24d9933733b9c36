/**
 * How many records are read or written at once: the related rows of a chunk
 * come in a fixed number of statements, every IN list stays short, an INSERT
 * of a chunk's rows stays far below the engines' limits on parameters (32,766
 * on SQLite, 65,535 on PostgreSQL), a chunk and what is read for it are small
 * in memory, and the work done between two statements (when other requests
 * get their turn) stays brief.
 */
const CHUNK = 200;

/** Does the work on the items a chunk at a time, one chunk after the other. */
export async function eachChunk<T>(items: readonly T[], work: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += CHUNK) await work(items.slice(start, start + CHUNK));
}

/** Does the work on the items a chunk at a time, one chunk after the other; the results come in the order of the items. */
export async function inChunks<T, R>(items: readonly T[], work: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  await eachChunk(items, async (chunk) => results.push(...(await work(chunk))));
  return results;
}
