import { Injectable } from '@nestjs/common';
import { EntityTarget, FindOptionsWhere, IsNull } from 'typeorm';
import { Clock } from './clock';
import { LinkColumns } from './link.columns';
import { TransactionRunner } from './transactions';

/** The two requests of a merge, as a link names them. */
interface MergedPair {
  duplicate: { id: number; key: string };
  survivor: { id: number; key: string };
}

/** What the owner of a kind of link records as a merge moves each link: the removal from the duplicate, then the link to the survivor. */
export interface LinkMoveRecorder<T> {
  removed(otherId: number, link: T): Promise<void>;
  /** Not called when the survivor was linked to the other end already. */
  added(otherId: number, link: T): Promise<void>;
}

/**
 * Links between a pair of records, for the parts that own a kind of link
 * (themes, blueprints): each part keeps its own table, and every kind of link
 * is added, ended and moved by the same rules here, in the write it runs in.
 */
@Injectable()
export class LinkStore {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Links a pair of records; null when they are linked already. */
  async add<T extends LinkColumns>(entity: EntityTarget<T>, ends: Partial<T>, linkedById: number, rationale: string | null | undefined): Promise<T | null> {
    const manager = this.tx.manager;
    if (await manager.existsBy(entity, { ...ends, removedAt: IsNull() } as FindOptionsWhere<T>)) return null;
    const link = manager.create(entity, {
      ...ends,
      rationale: rationale?.trim() || null,
      linkedById,
      linkedAt: this.clock.now(),
      removedById: null,
      removedAt: null,
      removalNote: null,
    } as T);
    return manager.save(entity, link);
  }

  /** Ends the link in force between a pair of records, keeping the row; null when there is none. */
  async remove<T extends LinkColumns>(entity: EntityTarget<T>, ends: Partial<T>, removedById: number, note: string | null | undefined): Promise<T | null> {
    const manager = this.tx.manager;
    const link = await manager.findOneBy(entity, { ...ends, removedAt: IsNull() } as FindOptionsWhere<T>);
    if (!link) return null;
    Object.assign(link, { removedById, removedAt: this.clock.now(), removalNote: note?.trim() || null });
    return manager.save(entity, link);
  }

  /**
   * Moves a merged duplicate's links in force, of one kind, to its survivor:
   * each is ended on the duplicate (which keeps it as a removed link) and
   * made on the survivor unless the survivor has it already, one link after
   * the other, with the owner recording each step as it happens.
   */
  async moveToSurvivor<T extends LinkColumns & { feedbackId: number }>(
    entity: EntityTarget<T>,
    otherEnd: keyof T & string,
    byId: number,
    { duplicate, survivor }: MergedPair,
    record: LinkMoveRecorder<T>,
  ): Promise<void> {
    const moving = await this.tx.manager.find(entity, {
      where: { feedbackId: duplicate.id, removedAt: IsNull() } as FindOptionsWhere<T>,
      order: { [otherEnd]: 'ASC' } as never,
    });
    for (const link of moving) {
      const otherId = link[otherEnd] as number;
      const removed = await this.remove(entity, { feedbackId: duplicate.id, [otherEnd]: otherId } as Partial<T>, byId, `merged into ${survivor.key}`);
      await record.removed(otherId, removed!);
      const added = await this.add(entity, { feedbackId: survivor.id, [otherEnd]: otherId } as Partial<T>, byId, `from ${duplicate.key}`);
      if (added) await record.added(otherId, added);
    }
  }
}

/** The key of a link in the history: both ends, such as FB-42~TH-7. */
export const linkKey = (from: string, to: string) => `${from}~${to}`;
