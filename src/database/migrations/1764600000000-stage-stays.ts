import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/** The columns of each index on a loop's stays; an index is named after its table and columns. */
const INDEXED = [
  ['feedback_id', 'left_at'],
  ['stage', 'seconds'],
];

/**
 * The table of stays takes the word the code uses: loop_stage_visit becomes
 * loop_stage_stay, rows and all. Its indexes are named after the table, and
 * renaming the table leaves their names as they were (SQLite cannot rename an
 * index at all), so they are dropped and made again under the new name.
 */
export class StageStays1764600000000 implements MigrationInterface {
  name = 'StageStays1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.rename(queryRunner, 'loop_stage_visit', 'loop_stage_stay');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.rename(queryRunner, 'loop_stage_stay', 'loop_stage_visit');
  }

  private async rename(queryRunner: QueryRunner, from: string, to: string): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    for (const columns of INDEXED) await queryRunner.dropIndex(from, s.index(from, columns).name!);
    await queryRunner.renameTable(from, to);
    for (const columns of INDEXED) await queryRunner.createIndex(to, new TableIndex(s.index(to, columns)));
  }
}
