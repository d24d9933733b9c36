import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/** One POST of a delivery and what came of it. Kept when an admin retries the delivery. */
@ObjectType({ description: 'One POST of a delivery and what came of it.' })
@Entity()
export class WebhookAttempt {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36 })
  deliveryId: string;

  @Field(() => Int, { description: 'Its place among every attempt of the delivery, from 1, across retries by an admin.' })
  @Column({ type: 'integer' })
  attempt: number;

  @Field()
  @TimestampColumn()
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the answer; null if none came.' })
  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed; null when it was delivered.' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => Int)
  @Column({ type: 'integer' })
  durationMs: number;
}
