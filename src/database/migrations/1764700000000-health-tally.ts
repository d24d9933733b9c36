import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/**
 * The health tally (loops/health/health-tally.ts): each loop's contribution
 * to the health figures, and the counters per slice that add them up. Both
 * start empty; the service fills them from the loops at its next start.
 */
export class HealthTally1764700000000 implements MigrationInterface {
  name = 'HealthTally1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'loop_health_share',
        columns: [s.integer('feedback_id', { isPrimary: true }), s.text('share')],
        foreignKeys: [s.foreignKey('feedback_id', 'feedback_item')],
      }),
    );
    await s.createTable(
      new Table({
        name: 'loop_health_tally',
        columns: [
          s.string('slice', { isPrimary: true }),
          s.string('metric', { isPrimary: true }),
          s.integer('bucket', { isPrimary: true }),
          s.integer('count'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('loop_health_tally', true);
    await queryRunner.dropTable('loop_health_share', true);
  }
}
