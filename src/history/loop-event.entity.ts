import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../common/columns';
import { JsonScalar } from '../common/json.scalar';

export type JsonObject = Record<string, unknown>;

/** One entry of the append-only history. Rows are inserted, never updated or deleted. */
@ObjectType({ description: 'One entry in the append-only history: what happened, to which record, by whom, when.' })
@Entity()
export class LoopEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field({ description: 'Dotted lower case, such as loop.closed or link.created.' })
  @Column()
  type: string;

  @Field({ description: 'The kind of record it touched: feedback, theme, blueprint, release, outcome, link, actor, token.' })
  @Column()
  recordType: string;

  @Field({ description: 'The human key of the record it touched, such as FB-42, TH-7 or nova/maintenance-mode.' })
  @Column()
  recordKey: string;

  @Column({ type: 'integer', nullable: true })
  actorId: number | null;

  @Field()
  @TimestampColumn()
  occurredAt: Date;

  @Field(() => JsonScalar, { nullable: true, description: 'The fields that changed, as they were.' })
  @JsonColumn({ nullable: true })
  before: JsonObject | null;

  @Field(() => JsonScalar, { nullable: true, description: 'The fields that changed, as they became.' })
  @JsonColumn({ nullable: true })
  after: JsonObject | null;

  @Field(() => JsonScalar, { nullable: true, description: 'Anything else worth knowing: note, rationale, the other end of a link.' })
  @JsonColumn({ nullable: true })
  data: JsonObject | null;
}

/** Which loops an event concerns: the index behind a loop's timeline. */
@Entity()
export class LoopEventLoop {
  @PrimaryColumn()
  feedbackId: number;

  @PrimaryColumn()
  eventId: number;
}

/** Every record an event concerns (both ends of a link): the index behind the audit log's record filter. */
@Entity()
export class LoopEventRecord {
  @PrimaryColumn()
  recordKey: string;

  @PrimaryColumn()
  eventId: number;
}
