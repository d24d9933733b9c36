import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A loop's contribution to the health tally, as last counted (a TallyShare as JSON): what to take back when it changes. */
@Entity()
export class LoopHealthShare {
  @PrimaryColumn()
  feedbackId: number;

  @Column({ type: 'text' })
  share: string;
}

/**
 * One shard of a counter of the health tally: how many loops of a slice
 * count in a metric's bucket is the sum of the counter's shards (on SQLite
 * there is only shard 0). A shard alone may hold any number, negative too.
 */
@Entity()
export class LoopHealthTally {
  @PrimaryColumn({ type: 'varchar' })
  slice: string;

  @PrimaryColumn({ type: 'varchar' })
  metric: string;

  @PrimaryColumn({ type: 'integer' })
  bucket: number;

  @PrimaryColumn({ type: 'integer' })
  shard: number;

  @Column({ type: 'integer' })
  count: number;
}
