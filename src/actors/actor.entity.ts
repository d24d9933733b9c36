import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { Role } from './role';

@ObjectType({ description: 'A person or an integration using Looptrace.' })
@Entity()
export class Actor {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column()
  name: string;

  /** Personal data: exposed through ActorsResolver.email, to those who may see it. */
  @Column()
  email: string;

  @Field(() => Role)
  @Column({ type: 'varchar' })
  role: Role;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  organization: string | null;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;
}
