import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/** A token's key in the history: token-12. */
export const TOKEN_KEY_PREFIX = 'token-';

@ObjectType({ description: 'An API token. Only its hash is stored; the secret is shown once, when issued.' })
@Entity()
export class ApiToken {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  actorId: number;

  @Field()
  @Column()
  label: string;

  /** SHA-256 of the secret, hex. */
  @Column()
  tokenHash: string;

  @Field({ description: 'The first characters of the secret, to recognise it.' })
  @Column()
  prefix: string;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @TimestampColumn({ nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  revokedById: number | null;
}
