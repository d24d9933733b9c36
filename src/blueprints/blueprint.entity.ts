import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';
import { BlueprintPriority, DefinitionStatus, ImplementationStatus } from './blueprint.enums';

@ObjectType({ description: "One project's unit of development work: a Launchpad blueprint and/or a spec." })
@Entity()
export class Blueprint {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field({ description: 'project/name, such as nova/maintenance-mode.' })
  get key(): string {
    return `${this.project}/${this.name}`;
  }

  @Field()
  @Column()
  project: string;

  @Field({ description: 'Unique within the project.' })
  @Column()
  name: string;

  @Field()
  @Column()
  title: string;

  @Field(() => String, { nullable: true, description: 'The Launchpad blueprint.' })
  @Column({ type: 'varchar', nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  specUrl: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  gerritTopic: string | null;

  @Field(() => DefinitionStatus)
  @Column({ type: 'varchar' })
  definitionStatus: DefinitionStatus;

  @Field(() => ImplementationStatus)
  @Column({ type: 'varchar' })
  implementationStatus: ImplementationStatus;

  @Field(() => BlueprintPriority)
  @Column({ type: 'varchar' })
  priority: BlueprintPriority;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', nullable: true })
  assignee: string | null;

  @Column({ type: 'integer', nullable: true })
  targetReleaseId: number | null;

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
