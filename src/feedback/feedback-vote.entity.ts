import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

@Entity()
export class FeedbackVote {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  feedbackId: number;

  @Column()
  actorId: number;

  @TimestampColumn()
  createdAt: Date;

  /** Set when the vote came over from a duplicate that was merged into this item. */
  @Column({ type: 'integer', nullable: true })
  mergedFromId: number | null;
}
