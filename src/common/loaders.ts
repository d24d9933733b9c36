import DataLoader from 'dataloader';
import { RequestScopes } from './request-scope';

const LOADERS = Symbol('loaders');

type WithLoaders = { [LOADERS]?: Map<string, DataLoader<unknown, unknown>> };

/**
 * Sends a batch once the request's statements in flight have been answered
 * (see StatementsInFlight), so that a batch holds every key its rows ask for.
 */
function afterStatementsInFlight(dispatch: () => void): void {
  const statements = RequestScopes.current()?.statements;
  if (statements) statements.whenSettled(dispatch);
  else setImmediate(dispatch);
}

/**
 * A DataLoader that lives as long as the request whose GraphQL context holds
 * it: the first use creates it, every field resolver of the request shares it.
 */
export function requestLoader<K, V>(
  context: object,
  name: string,
  batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>,
): DataLoader<K, V> {
  const holder = context as WithLoaders;
  holder[LOADERS] ??= new Map();
  let loader = holder[LOADERS].get(name);
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { maxBatchSize: 500, batchScheduleFn: afterStatementsInFlight }) as DataLoader<unknown, unknown>;
    holder[LOADERS].set(name, loader);
  }
  return loader as DataLoader<K, V>;
}

/** Orders rows to match the keys a DataLoader asked for; missing ones come back as null. */
export function byKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

/** Groups rows under the keys a DataLoader asked for, in their order; a key without rows gets an empty list. */
export function groupByKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = groupsOf(keys, rows, keyOf);
  return keys.map((key) => groups.get(key)!);
}

/** Groups rows under each of the keys; a key without rows gets an empty list, and rows of other keys are left out. */
export function groupsOf<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Map<K, V[]> {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  rows.forEach((row) => groups.get(keyOf(row))?.push(row));
  return groups;
}
