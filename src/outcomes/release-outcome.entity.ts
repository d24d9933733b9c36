import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { OutcomeResult } from './outcome.enums';

@ObjectType({ description: 'What one release did for one blueprint.' })
@Entity()
export class ReleaseOutcome {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  blueprintId: number;

  @Column()
  releaseId: number;

  @Field(() => OutcomeResult)
  @Column({ type: 'varchar' })
  result: OutcomeResult;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  releaseNoteUrl: string | null;

  @Column()
  recordedById: number;

  @Field()
  @TimestampColumn()
  recordedAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;
}
