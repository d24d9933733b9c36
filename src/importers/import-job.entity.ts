import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimestampColumn } from '../common/columns';
import { ImportReport } from './dto/import.models';

export enum ImportJobStatus {
  /** Waiting for the imports before it to finish. */
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  /** Stopped by an error or a shutdown; what its committed batches wrote stays, and importing the files again finishes the work. */
  FAILED = 'FAILED',
}

registerEnumType(ImportJobStatus, { name: 'ImportJobStatus' });

export const FINISHED_IMPORT_STATUSES = [ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED];

/** One import, run in the background: what it was asked to do, how far it got, and what it did so far. */
@Entity('import_job')
@ObjectType({ description: 'An import running in the background, or done: its progress and its report so far.' })
export class ImportJob {
  @PrimaryGeneratedColumn()
  @Field(() => ID)
  id: number;

  @Column()
  @Field()
  format: string;

  @Column()
  @Field({ description: 'A dry run writes nothing; its report says what the import would do.' })
  dryRun: boolean;

  @Column({ type: 'varchar' })
  @Field(() => ImportJobStatus)
  status: ImportJobStatus;

  @Column()
  requestedById: number;

  @JsonColumn()
  @Field(() => [String], { description: 'The names of the files it reads.' })
  fileNames: string[];

  @Column({ type: 'integer' })
  @Field(() => Int, { description: 'Records read from the files (known once they are parsed).' })
  recordsTotal: number;

  @Column({ type: 'integer' })
  @Field(() => Int, { description: 'Records applied so far: created, updated, found unchanged or skipped. For an import that writes, these are committed.' })
  recordsDone: number;

  @JsonColumn({ nullable: true })
  @Field(() => ImportReport, { nullable: true, description: 'What it did so far (for an import that writes, what its committed batches did); the whole report once it succeeded.' })
  report: ImportReport | null;

  @Column({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it failed.' })
  error: string | null;

  @TimestampColumn()
  @Field()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @TimestampColumn({ nullable: true })
  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @TimestampColumn()
  updatedAt: Date;
}
