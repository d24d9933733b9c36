import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A loop's contribution to the health tally, as last counted (a TallyShare as JSON): what to take back when it changes. */
@Entity()
export class LoopHealthShare {
  @PrimaryColumn()
  feedbackId: number;

  @Column({ type: 'text' })
  share: string;
}

/** One counter of the health tally: how many loops of a slice count in a metric's bucket. */
@Entity()
export class LoopHealthTally {
  @PrimaryColumn({ type: 'varchar' })
  slice: string;

  @PrimaryColumn({ type: 'varchar' })
  metric: string;

  @PrimaryColumn({ type: 'integer' })
  bucket: number;

  @Column({ type: 'integer' })
  count: number;
}
