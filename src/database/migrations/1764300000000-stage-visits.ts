import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { dateFromDatabase } from '../../common/columns';
import { SchemaHelpers } from './schema-helpers';

/** Each loop's stays in each stage, rebuilt for the loops that exist from their stage changes. */
export class StageVisits1764300000000 implements MigrationInterface {
  name = 'StageVisits1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'loop_stage_visit',
        columns: [
          s.id(),
          s.integer('feedback_id'),
          s.string('stage'),
          s.timestamp('entered_at'),
          s.timestamp('left_at', { isNullable: true }),
          s.integer('seconds', { isNullable: true }),
        ],
        foreignKeys: [s.foreignKey('feedback_id', 'feedback_item')],
      }),
      [s.index('loop_stage_visit', ['feedback_id', 'left_at']), s.index('loop_stage_visit', ['stage', 'seconds'])],
    );

    const items: Array<{ id: number; created_at: string | Date }> = await queryRunner.query('SELECT id, created_at FROM feedback_item ORDER BY id');
    const changes: Array<{ feedback_id: number; occurred_at: string | Date; after: string }> = await queryRunner.query(
      `SELECT l.feedback_id, e.occurred_at, e.after FROM loop_event e JOIN loop_event_loop l ON l.event_id = e.id
       WHERE e.type = 'loop.stage_changed' ORDER BY e.id`,
    );
    for (const item of items) {
      let stage = 'REQUESTED';
      let enteredAt = dateFromDatabase(item.created_at);
      for (const change of changes.filter((row) => Number(row.feedback_id) === Number(item.id))) {
        const leftAt = dateFromDatabase(change.occurred_at);
        const seconds = Math.max(0, Math.round((leftAt.getTime() - enteredAt.getTime()) / 1000));
        await s.insert('loop_stage_visit', { feedback_id: item.id, stage, entered_at: enteredAt, left_at: leftAt, seconds });
        stage = (JSON.parse(change.after) as { stage: string }).stage;
        enteredAt = leftAt;
      }
      await s.insert('loop_stage_visit', { feedback_id: item.id, stage, entered_at: enteredAt, left_at: null, seconds: null });
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('loop_stage_visit', true);
  }
}
