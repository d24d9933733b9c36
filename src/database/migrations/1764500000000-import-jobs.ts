import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/** Imports run as jobs in the background: what each was asked to do, how far it got, and what it did. */
export class ImportJobs1764500000000 implements MigrationInterface {
  name = 'ImportJobs1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'import_job',
        columns: [
          s.id(),
          s.string('format'),
          s.boolean('dry_run'),
          s.string('status'),
          s.integer('requested_by_id'),
          s.text('file_names'),
          s.integer('records_total', { default: 0 }),
          s.integer('records_done', { default: 0 }),
          s.text('report', { isNullable: true }),
          s.text('error', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('started_at', { isNullable: true }),
          s.timestamp('finished_at', { isNullable: true }),
          s.timestamp('updated_at'),
        ],
        foreignKeys: [s.foreignKey('requested_by_id', 'actor')],
      }),
      [s.index('import_job', ['status']), s.index('import_job', ['requested_by_id'])],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('import_job', true);
  }
}
