import { BadUserInputError } from './errors';

/** Reads a human key such as FB-42 (any case) as the id 42; anything else is bad input on that field. */
export function idFromKey(prefix: string, key: string, field: string): number {
  const match = new RegExp(`^${prefix}(\\d{1,15})$`, 'i').exec(key.trim());
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw BadUserInputError.field(field, `must be a key like ${prefix}42, got ${JSON.stringify(key)}`);
  }
  return id;
}

export const keyPattern = (prefix: string) => new RegExp(`^${prefix}\\d{1,15}$`, 'i');

/** Project and blueprint names: Launchpad-style slugs. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9._+-]{0,99}$/i;

/** Reads a plain numeric id (an ID argument such as a job's) as a number; anything else is bad input on that field. */
export function numericId(value: string, field: string, what: string): number {
  const id = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw BadUserInputError.field(field, `must be the id of ${what}, got ${JSON.stringify(value)}`);
  return id;
}
