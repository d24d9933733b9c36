import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/** The orders of a list of requests or loops (FeedbackOrderField), each copied into the listing. */
const ORDERS = ['created_at', 'vote_count', 'stage_entered_at', 'last_event_at'];

/**
 * Listings (decisions/0015): where each request is listed by a project, a
 * tag, a theme or a release, with a copy of its order columns, and an index
 * (scope, order, id) for each order. The rows are made from the loops'
 * facts by the same count as the health tally: the stored shares are
 * emptied, so that the service counts every loop again (and lists it) when
 * it next starts.
 */
export class Listings1765000000000 implements MigrationInterface {
  name = 'Listings1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'feedback_listing',
        columns: [
          s.integer('feedback_id', { isPrimary: true }),
          s.string('scope', { isPrimary: true }),
          s.timestamp('created_at'),
          s.integer('vote_count'),
          s.timestamp('stage_entered_at'),
          s.timestamp('last_event_at'),
        ],
        foreignKeys: [s.foreignKey('feedback_id', 'feedback_item')],
      }),
      ORDERS.map((order) => s.index('feedback_listing', ['scope', order, 'feedback_id'])),
    );
    await queryRunner.query('DELETE FROM loop_health_share');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('feedback_listing');
  }
}
