import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../common/columns';

/** An address told of events by a signed HTTP POST. */
@ObjectType({ description: 'An address told of events as they happen, by a signed HTTP POST. Its secret is never shown.' })
@Entity()
export class Webhook {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column()
  url: string;

  @Field(() => [String], { description: 'The event types it is told of: loop.closed, a family such as loop.*, or * for every event.' })
  @JsonColumn()
  events: string[];

  /** Keys the signature of every delivery, so it is kept as given; no GraphQL field ever shows it. */
  @Column()
  secret: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  description: string | null;

  @Field({ description: 'A paused webhook is not told of new events, and what was queued for it waits until it is resumed.' })
  @Column({ type: 'boolean' })
  active: boolean;

  @Column()
  createdById: number;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;
}
