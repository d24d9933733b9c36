import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/** The orders of a list of loops or requests (FeedbackOrderField): each is its column, then the id that breaks ties. */
const ORDERS = ['created_at', 'last_event_at', 'stage_entered_at', 'vote_count'];

/** The filters of those lists on a request's own columns, each matched by equality. */
const FILTERS = ['origin', 'stage', 'organization', 'submitter_id'];

type Indexed = [table: string, columns: string[]];

/** Each order alone, and after each filter: the list is read in the index's order, from its cursor, and stops at the page. */
const ADDED: Indexed[] = [
  ...ORDERS.map((order): Indexed => ['feedback_item', [order, 'id']]),
  ...FILTERS.flatMap((filter) => ORDERS.map((order): Indexed => ['feedback_item', [filter, order, 'id']])),
  // The audit log of one actor, newest first.
  ['loop_event', ['actor_id', 'id']],
];

/** What the added indexes replace: each begins one of them, which serves its lookups as well. */
const REPLACED: Indexed[] = [
  ...ORDERS.map((order): Indexed => ['feedback_item', [order]]),
  ['feedback_item', ['origin', 'id']],
  ['feedback_item', ['stage', 'id']],
  ['feedback_item', ['organization']],
  ['feedback_item', ['submitter_id']],
  ['loop_event', ['actor_id']],
];

/**
 * Indexes for every list query shape (decisions/0012): a list of loops or
 * requests filtered by one of its own columns and in one of its orders is
 * read from one index, (filter, order, id), or (order, id) unfiltered.
 */
export class ListIndexes1764800000000 implements MigrationInterface {
  name = 'ListIndexes1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, REPLACED, ADDED);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, ADDED, REPLACED);
  }

  private async replace(queryRunner: QueryRunner, dropped: Indexed[], created: Indexed[]): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    for (const [table, columns] of created) await queryRunner.createIndex(table, new TableIndex(s.index(table, columns)));
    for (const [table, columns] of dropped) await queryRunner.dropIndex(table, s.index(table, columns).name!);
  }
}
