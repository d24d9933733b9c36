import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../common/columns';
import { ThemeKind, ThemeStatus } from './theme.enums';

export const THEME_KEY_PREFIX = 'TH-';

@ObjectType({ description: 'An area of focus the group agreed on, or an epic, user story or gap under it.' })
@Entity()
export class Theme {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field({ description: 'The human key, such as TH-7.' })
  get key(): string {
    return `${THEME_KEY_PREFIX}${this.id}`;
  }

  @Field()
  @Column()
  title: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => ThemeKind)
  @Column({ type: 'varchar' })
  kind: ThemeKind;

  @Column({ type: 'integer', nullable: true })
  parentId: number | null;

  @Field(() => ThemeStatus)
  @Column({ type: 'varchar' })
  status: ThemeStatus;

  @Column({ type: 'integer', nullable: true })
  ownerId: number | null;

  @Column({ type: 'integer', nullable: true })
  targetReleaseId: number | null;

  @Field(() => String, { nullable: true, description: 'The cross-project spec.' })
  @Column({ type: 'varchar', nullable: true })
  specUrl: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  gerritTopic: string | null;

  @Field(() => [String], { description: 'Other links worth keeping: the tracker, related bug reports.' })
  @JsonColumn({ nullable: true, transformer: { to: (links: string[]) => (links?.length ? links : null), from: (links: string[] | null) => links ?? [] } })
  links: string[];

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
