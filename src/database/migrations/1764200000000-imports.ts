import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/**
 * OpenStack's release series, oldest first, with the date each was released
 * (left empty where it is not recorded here; a product manager sets it).
 * A later series is added by a later migration, so that this one stays what
 * it was when it ran.
 */
const OPENSTACK_SERIES: Array<[name: string, releasedOn: string | null]> = [
  ['Austin', '2010-10-21'],
  ['Bexar', '2011-02-03'],
  ['Cactus', '2011-04-15'],
  ['Diablo', '2011-09-22'],
  ['Essex', '2012-04-05'],
  ['Folsom', '2012-09-27'],
  ['Grizzly', '2013-04-04'],
  ['Havana', '2013-10-17'],
  ['Icehouse', '2014-04-17'],
  ['Juno', '2014-10-16'],
  ['Kilo', '2015-04-30'],
  ['Liberty', '2015-10-15'],
  ['Mitaka', '2016-04-07'],
  ['Newton', '2016-10-06'],
  ['Ocata', '2017-02-22'],
  ['Pike', '2017-08-30'],
  ['Queens', '2018-02-28'],
  ['Rocky', '2018-08-30'],
  ['Stein', '2019-04-10'],
  ['Train', '2019-10-16'],
  ['Ussuri', '2020-05-13'],
  ['Victoria', '2020-10-14'],
  ['Wallaby', '2021-04-14'],
  ['Xena', '2021-10-06'],
  ['Yoga', '2022-03-30'],
  ['Zed', '2022-10-05'],
  ['2023.1', '2023-03-22'],
  ['2023.2', '2023-10-04'],
  ['2024.1', '2024-04-03'],
  ['2024.2', '2024-10-02'],
  ['2025.1', '2025-04-02'],
  ['2025.2', '2025-10-01'],
  ['2026.1', null],
  ['2026.2', null],
];

/** Imports remember their sources; imported +1s count as votes; themes keep links; the release series exist from the start. */
export class Imports1764200000000 implements MigrationInterface {
  name = 'Imports1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    await s.createTable(
      new Table({
        name: 'import_record',
        columns: [
          s.id(),
          s.string('format'),
          s.string('source_key', { length: '1000' }),
          s.string('record_type'),
          s.integer('record_id'),
          s.string('fingerprint'),
          s.integer('imported_by_id'),
          s.timestamp('first_imported_at'),
          s.timestamp('last_imported_at'),
        ],
        foreignKeys: [s.foreignKey('imported_by_id', 'actor')],
      }),
      [s.index('import_record', ['format', 'source_key'], { isUnique: true }), s.index('import_record', ['record_type', 'record_id'])],
    );
    await queryRunner.addColumn('feedback_item', new TableColumn(s.integer('imported_votes', { default: 0 })));
    await queryRunner.addColumn('theme', new TableColumn(s.text('links', { isNullable: true })));

    const existing = new Set(((await queryRunner.query('SELECT LOWER(name) AS name FROM release')) as Array<{ name: string }>).map((row) => row.name));
    const now = new Date();
    for (const [index, [name, releasedOn]] of OPENSTACK_SERIES.entries()) {
      if (existing.has(name.toLowerCase())) continue;
      await s.insert('release', {
        name,
        sequence: index + 1,
        state: 'RELEASED',
        released_on: releasedOn,
        created_at: now,
        updated_at: now,
        version: 1,
      });
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('theme', 'links');
    await queryRunner.dropColumn('feedback_item', 'imported_votes');
    await queryRunner.dropTable('import_record', true);
  }
}
