/** A day in milliseconds, for ages and cut-offs that are counted in days. */
export const DAY_MS = 86_400_000;
