import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesMap: {
    PENDING: { description: 'Waiting for its first attempt or for a retry.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    DEAD: { description: 'Every attempt failed; it is sent again only if an admin retries it (retryWebhookDelivery).' },
  },
});

/**
 * One event owed to one webhook: the outbox row, written in the transaction
 * of the event, so that no committed event is lost and none is sent for a
 * change that rolled back.
 */
@ObjectType({ description: 'One event sent, or to be sent, to one webhook. Its id is the X-Looptrace-Delivery header, the same on every attempt.' })
@Entity()
export class WebhookDelivery {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column()
  webhookId: number;

  @Column()
  eventId: number;

  /** The JSON body, built once when the event happened, so that every attempt sends the same bytes. */
  @Column({ type: 'text' })
  payload: string;

  @Field(() => WebhookDeliveryStatus)
  @Column({ type: 'varchar' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts since it was queued, or since an admin last retried it: the count the backoff and the limit go by.' })
  @Column({ type: 'integer' })
  attempts: number;

  @TimestampColumn()
  nextAttemptAt: Date;

  /** Set while a worker is sending it; a worker that dies mid-send leaves it to expire, and the delivery is sent again. */
  @TimestampColumn({ nullable: true })
  lockedUntil: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt; null if it got no answer.' })
  @Column({ type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed: the status line, a timeout or a network error.' })
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn({ nullable: true })
  deliveredAt: Date | null;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;
}
