import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

const APPEND_ONLY = ['loop_event', 'loop_event_loop', 'loop_event_record'];

/**
 * Closing the loop with the people who asked: every record an event touched,
 * the webhook outbox and its attempts, the requesters' inbox, the stall
 * watch; and the history made append-only in the database itself.
 */
export class DeliveryAndInbox1764100000000 implements MigrationInterface {
  name = 'DeliveryAndInbox1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);

    await s.createTable(
      new Table({
        name: 'loop_event_record',
        columns: [s.string('record_key', { isPrimary: true }), s.integer('event_id', { isPrimary: true })],
        foreignKeys: [s.foreignKey('event_id', 'loop_event')],
      }),
      [s.index('loop_event_record', ['event_id'])],
    );
    await queryRunner.query(`INSERT INTO loop_event_record (record_key, event_id) SELECT record_key, id FROM loop_event`);

    await queryRunner.addColumn('feedback_item', new TableColumn(s.timestamp('stall_reported_at', { isNullable: true })));

    await s.createTable(
      new Table({
        name: 'webhook',
        columns: [
          s.id(),
          s.string('url', { length: '2000' }),
          s.text('events'),
          s.string('secret'),
          s.string('description', { isNullable: true }),
          s.boolean('active', { default: true }),
          s.integer('created_by_id'),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
        ],
        foreignKeys: [s.foreignKey('created_by_id', 'actor')],
      }),
      [s.index('webhook', ['active'])],
    );

    await s.createTable(
      new Table({
        name: 'webhook_delivery',
        columns: [
          s.string('id', { isPrimary: true, length: '36' }),
          s.integer('webhook_id'),
          s.integer('event_id'),
          s.text('payload'),
          s.string('status'),
          s.integer('attempts', { default: 0 }),
          s.timestamp('next_attempt_at'),
          s.timestamp('locked_until', { isNullable: true }),
          s.integer('last_status_code', { isNullable: true }),
          s.text('last_error', { isNullable: true }),
          s.timestamp('delivered_at', { isNullable: true }),
          s.timestamp('created_at'),
          s.timestamp('updated_at'),
        ],
        foreignKeys: [s.foreignKey('webhook_id', 'webhook'), s.foreignKey('event_id', 'loop_event')],
      }),
      [
        s.index('webhook_delivery', ['status', 'next_attempt_at']),
        s.index('webhook_delivery', ['webhook_id', 'created_at']),
        s.index('webhook_delivery', ['event_id']),
      ],
    );

    await s.createTable(
      new Table({
        name: 'webhook_attempt',
        columns: [
          s.id(),
          s.string('delivery_id', { length: '36' }),
          s.integer('attempt'),
          s.timestamp('attempted_at'),
          s.integer('status_code', { isNullable: true }),
          s.text('error', { isNullable: true }),
          s.integer('duration_ms'),
        ],
        foreignKeys: [{ columnNames: ['delivery_id'], referencedTableName: 'webhook_delivery', referencedColumnNames: ['id'] }],
      }),
      [s.index('webhook_attempt', ['delivery_id'])],
    );

    await s.createTable(
      new Table({
        name: 'notification',
        columns: [
          s.id(),
          s.integer('actor_id'),
          s.integer('feedback_id'),
          s.integer('event_id'),
          s.string('kind'),
          s.text('message'),
          s.boolean('asks_verification', { default: false }),
          s.timestamp('created_at'),
          s.timestamp('read_at', { isNullable: true }),
        ],
        foreignKeys: [s.foreignKey('actor_id', 'actor'), s.foreignKey('feedback_id', 'feedback_item'), s.foreignKey('event_id', 'loop_event')],
      }),
      [s.index('notification', ['actor_id', 'read_at']), s.index('notification', ['feedback_id'])],
    );

    for (const table of APPEND_ONLY) await this.makeAppendOnly(queryRunner, s, table);
  }

  /** History is never rewritten: the database refuses any UPDATE or DELETE on it, whoever sends it. */
  private async makeAppendOnly(queryRunner: QueryRunner, s: SchemaHelpers, table: string): Promise<void> {
    if (s.isPostgres) {
      await queryRunner.query(`
        CREATE OR REPLACE FUNCTION looptrace_append_only() RETURNS trigger AS $$
        BEGIN
          RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
        END;
        $$ LANGUAGE plpgsql`);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION looptrace_append_only()`,
      );
      return;
    }
    for (const operation of ['UPDATE', 'DELETE']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_${operation.toLowerCase()} BEFORE ${operation} ON ${table} ` +
          `BEGIN SELECT RAISE(ABORT, 'history is append-only: ${operation} on ${table} refused'); END`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    for (const table of APPEND_ONLY) {
      if (s.isPostgres) await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      else for (const operation of ['update', 'delete']) await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_no_${operation}`);
    }
    if (s.isPostgres) await queryRunner.query(`DROP FUNCTION IF EXISTS looptrace_append_only()`);
    for (const table of ['notification', 'webhook_attempt', 'webhook_delivery', 'webhook', 'loop_event_record']) {
      await queryRunner.dropTable(table, true);
    }
    await queryRunner.dropColumn('feedback_item', 'stall_reported_at');
  }
}
