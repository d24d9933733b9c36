import { Entity, PrimaryColumn } from 'typeorm';

/**
 * Which blueprints answer which loop (directly or through a theme): derived
 * from the links by the stage projector, in the same transaction as the
 * stage, so that loop lists filter by project and release with an index.
 */
@Entity()
export class LoopBlueprint {
  @PrimaryColumn()
  feedbackId: number;

  @PrimaryColumn()
  blueprintId: number;
}
