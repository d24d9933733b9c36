import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { FeedbackOrigin, LoopStage, Resolution, Verdict } from './feedback.enums';

export const FEEDBACK_KEY_PREFIX = 'FB-';

/**
 * One request, pain point or gap, and the state of the loop it starts. The
 * stage columns are written only by the stage projector (loops/), from the
 * stage engine, in the transaction of the change that moved them.
 */
@ObjectType({ description: 'One request, pain point or gap reported by a cloud user or an operator.' })
@Entity()
export class FeedbackItem {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field({ description: 'The human key, such as FB-42.' })
  get key(): string {
    return `${FEEDBACK_KEY_PREFIX}${this.id}`;
  }

  @Field()
  @Column()
  title: string;

  @Field()
  @Column({ type: 'text' })
  body: string;

  @Field(() => FeedbackOrigin)
  @Column({ type: 'varchar' })
  origin: FeedbackOrigin;

  @Column()
  submitterId: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  organization: string | null;

  @Field(() => String, { nullable: true, description: 'The release the submitter runs.' })
  @Column({ type: 'varchar', nullable: true })
  releaseInUse: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  sourceUrl: string | null;

  @Field(() => Int, { nullable: true, description: 'The line in the source, for imported items.' })
  @Column({ type: 'integer', nullable: true })
  sourceLine: number | null;

  @Field(() => Int, { description: '+1 votes: one per person, and the +1 marks of an imported source.' })
  @Column({ type: 'integer', default: 0 })
  voteCount: number;

  @Field(() => Int, { description: 'The +1 marks counted in an imported source (an etherpad line, say), which have no voter.' })
  @Column({ type: 'integer', default: 0 })
  importedVotes: number;

  @Field(() => Date, { nullable: true })
  @TimestampColumn({ nullable: true })
  triagedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  triagedById: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  triageNote: string | null;

  @Column({ type: 'integer', nullable: true })
  mergedIntoId: number | null;

  @Field(() => LoopStage)
  @Column({ type: 'varchar' })
  stage: LoopStage;

  @Field()
  @TimestampColumn()
  stageEnteredAt: Date;

  /** The release whose delivery completed the loop (the latest one needed), while it is released. */
  @Column({ type: 'integer', nullable: true })
  completedInReleaseId: number | null;

  @Field({ description: 'When the last event touching this loop happened.' })
  @TimestampColumn()
  lastEventAt: Date;

  /** When the stall watch last reported this loop as stalled; a new stall is one that began after it. */
  @TimestampColumn({ nullable: true })
  stallReportedAt: Date | null;

  @Column({ type: 'varchar', nullable: true })
  resolution: Resolution | null;

  @Column({ type: 'text', nullable: true })
  resolutionNote: string | null;

  @TimestampColumn({ nullable: true })
  closedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  closedById: number | null;

  @Column({ type: 'varchar', nullable: true })
  verdict: Verdict | null;

  @Column({ type: 'text', nullable: true })
  verdictNote: string | null;

  @TimestampColumn({ nullable: true })
  verifiedAt: Date | null;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;

  @Field(() => Int, { description: 'Increases with every change; pass it as expectedVersion to guard an edit.' })
  @Column({ type: 'integer', default: 1 })
  version: number;
}
