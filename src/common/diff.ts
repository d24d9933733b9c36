/** The fields whose values would change, as they are and as they would become. */
export function diff<T extends object>(current: T, changes: Partial<T>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    const old = (current as Record<string, unknown>)[field];
    if (JSON.stringify(old) !== JSON.stringify(value)) {
      before[field] = old ?? null;
      after[field] = value ?? null;
    }
  }
  return { before, after };
}
