import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/** What an import made of one source record: which record, and a fingerprint of what the source said last time. */
@Entity('import_record')
export class ImportRecordRow {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  format: string;

  @Column()
  sourceKey: string;

  @Column()
  recordType: string;

  @Column()
  recordId: number;

  @Column()
  fingerprint: string;

  @Column()
  importedById: number;

  @TimestampColumn()
  firstImportedAt: Date;

  @TimestampColumn()
  lastImportedAt: Date;
}
