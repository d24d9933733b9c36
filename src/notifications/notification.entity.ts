import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { NotificationKind } from '../history/event-catalogue';

export { NotificationKind };

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What happened to a loop the recipient asked for or voted for.',
});

/** One message in a requester's inbox. */
@ObjectType({ description: 'A message to someone who asked for or voted for a loop, about what happened to it.' })
@Entity()
export class Notification {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  actorId: number;

  @Column()
  feedbackId: number;

  @Column()
  eventId: number;

  @Field(() => NotificationKind)
  @Column({ type: 'varchar' })
  kind: NotificationKind;

  @Field()
  @Column({ type: 'text' })
  message: string;

  @Field({ description: 'The loop was closed as DELIVERED and you asked for it: confirm or dispute the closure (verifyClosure).' })
  @Column({ type: 'boolean', default: false })
  asksVerification: boolean;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @TimestampColumn({ nullable: true })
  readAt: Date | null;
}
