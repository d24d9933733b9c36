import { Field, ObjectType } from '@nestjs/graphql';
import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from './columns';

/**
 * What every link between two records remembers: who linked them, when and
 * why, and, once unlinked, who removed it, when and why. An unlink keeps the
 * row; only links whose removedAt is null are in force.
 */
@ObjectType({ isAbstract: true })
export abstract class LinkColumns {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  rationale: string | null;

  @Column()
  linkedById: number;

  @Field()
  @TimestampColumn()
  linkedAt: Date;

  @Column({ type: 'integer', nullable: true })
  removedById: number | null;

  @TimestampColumn({ nullable: true })
  removedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  removalNote: string | null;
}
