import { EntityManager, EntityTarget, FindOptionsWhere, IsNull } from 'typeorm';
import { LinkColumns } from './link.columns';

/** Links a pair of records; null when they are linked already. */
export async function addLink<T extends LinkColumns>(
  em: EntityManager,
  entity: EntityTarget<T>,
  ends: Partial<T>,
  linkedById: number,
  rationale: string | null | undefined,
  at: Date,
): Promise<T | null> {
  if (await em.existsBy(entity, { ...ends, removedAt: IsNull() } as FindOptionsWhere<T>)) return null;
  const link = em.create(entity, {
    ...ends,
    rationale: rationale?.trim() || null,
    linkedById,
    linkedAt: at,
    removedById: null,
    removedAt: null,
    removalNote: null,
  } as T);
  return em.save(entity, link);
}

/** Ends the link in force between a pair of records, keeping the row; null when there is none. */
export async function removeLink<T extends LinkColumns>(
  em: EntityManager,
  entity: EntityTarget<T>,
  ends: Partial<T>,
  removedById: number,
  note: string | null | undefined,
  at: Date,
): Promise<T | null> {
  const link = await em.findOneBy(entity, { ...ends, removedAt: IsNull() } as FindOptionsWhere<T>);
  if (!link) return null;
  Object.assign(link, { removedById, removedAt: at, removalNote: note?.trim() || null });
  return em.save(entity, link);
}

/** The key of a link in the history: both ends, such as FB-42~TH-7. */
export const linkKey = (from: string, to: string) => `${from}~${to}`;
