import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { ReleaseState } from './release.enums';

@ObjectType({ description: 'A named release cycle, such as Liberty or 2024.1.' })
@Entity()
export class Release {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column()
  name: string;

  @Field(() => Int, { description: 'Position in the sequence of releases; later releases have larger numbers.' })
  @Column({ type: 'integer' })
  sequence: number;

  @Field(() => ReleaseState)
  @Column({ type: 'varchar' })
  state: ReleaseState;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Column({ type: 'varchar', nullable: true })
  startsOn: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Column({ type: 'varchar', nullable: true })
  releasedOn: string | null;

  @Field()
  @TimestampColumn()
  createdAt: Date;

  @Field()
  @TimestampColumn()
  updatedAt: Date;

  @Field(() => Int)
  @Column({ type: 'integer', default: 1 })
  version: number;
}
