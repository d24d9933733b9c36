import { BadUserInputError } from './errors';

/**
 * The largest id a record may have, and so the largest number in a key: ids
 * are 32-bit integers on PostgreSQL. SQLite's would go further; the same bound
 * on both engines makes them answer alike. An id outside 1 to MAX_ID names no
 * record and is refused as bad input.
 */
export const MAX_ID = 2_147_483_647;

/** The id in digits, when it is one a record may have. */
function idOf(digits: string | undefined): number | null {
  const id = digits === undefined ? NaN : Number(digits);
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID ? id : null;
}

/** Reads a human key such as FB-42 (any case) as the id 42; anything else is bad input on that field. */
export function idFromKey(prefix: string, key: string, field: string): number {
  const id = idOf(new RegExp(`^${prefix}(\\d{1,15})$`, 'i').exec(key.trim())?.[1]);
  if (id === null) throw BadUserInputError.field(field, `must be a key like ${prefix}42, with a number from 1 to ${MAX_ID}, got ${JSON.stringify(key)}`);
  return id;
}

export const keyPattern = (prefix: string) => new RegExp(`^${prefix}\\d{1,15}$`, 'i');

/** Project and blueprint names: Launchpad-style slugs. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9._+-]{0,99}$/i;

/** Reads a plain numeric id (an ID argument such as a job's) as a number; anything else is bad input on that field. */
export function numericId(value: string, field: string, what: string): number {
  const id = idOf(/^\d{1,15}$/.exec(value.trim())?.[0]);
  if (id === null) throw BadUserInputError.field(field, `must be the id of ${what}, a number from 1 to ${MAX_ID}, got ${JSON.stringify(value)}`);
  return id;
}
