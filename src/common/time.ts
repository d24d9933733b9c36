/** A day, in milliseconds. */
export const DAY_MS = 86_400_000;

/** The moment this many days before the given one. */
export const daysBefore = (moment: Date, days: number): Date => new Date(moment.getTime() - days * DAY_MS);
