import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { LoopStage } from '../feedback/feedback.enums';

/**
 * One stay of a loop in one stage, kept by the stage projector with the
 * stage itself, so that time-in-stage figures are aggregate queries.
 */
@Entity()
export class LoopStageStay {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  feedbackId: number;

  @Column({ type: 'varchar' })
  stage: LoopStage;

  @TimestampColumn()
  enteredAt: Date;

  @TimestampColumn({ nullable: true })
  leftAt: Date | null;

  /** How long the stay lasted, once it is over. */
  @Column({ type: 'integer', nullable: true })
  seconds: number | null;
}
