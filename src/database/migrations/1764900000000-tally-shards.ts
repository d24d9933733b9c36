import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/**
 * The counters of the health tally in shards (decisions/0013): a counter is
 * the sum of its rows, one per shard, so that writes running side by side on
 * PostgreSQL each add to a row of their own. The counters so far become
 * shard 0.
 */
export class TallyShards1764900000000 implements MigrationInterface {
  name = 'TallyShards1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'loop_health_tally_sharded',
        columns: [
          s.string('slice', { isPrimary: true }),
          s.string('metric', { isPrimary: true }),
          s.integer('bucket', { isPrimary: true }),
          s.integer('shard', { isPrimary: true }),
          s.integer('count'),
        ],
      }),
    );
    await queryRunner.query('INSERT INTO loop_health_tally_sharded (slice, metric, bucket, shard, count) SELECT slice, metric, bucket, 0, count FROM loop_health_tally');
    await queryRunner.dropTable('loop_health_tally');
    await queryRunner.renameTable('loop_health_tally_sharded', 'loop_health_tally');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'loop_health_tally_whole',
        columns: [s.string('slice', { isPrimary: true }), s.string('metric', { isPrimary: true }), s.integer('bucket', { isPrimary: true }), s.integer('count')],
      }),
    );
    await queryRunner.query(
      'INSERT INTO loop_health_tally_whole (slice, metric, bucket, count) SELECT slice, metric, bucket, SUM(count) FROM loop_health_tally GROUP BY slice, metric, bucket',
    );
    await queryRunner.dropTable('loop_health_tally');
    await queryRunner.renameTable('loop_health_tally_whole', 'loop_health_tally');
  }
}
