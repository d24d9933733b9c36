import { MigrationInterface, QueryRunner } from 'typeorm';
import { SchemaHelpers } from './schema-helpers';

/**
 * The full-text index behind search: SQLite's FTS5 with Porter stemming, or
 * on PostgreSQL a table with a weighted tsvector and its GIN index. It starts
 * filled with what exists; from then on the writes keep it in step.
 */
export class Search1764400000000 implements MigrationInterface {
  name = 'Search1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = new SchemaHelpers(queryRunner);
    if (s.isPostgres) {
      await queryRunner.query(`
        CREATE TABLE search_document (
          kind varchar NOT NULL,
          record_id integer NOT NULL,
          title text NOT NULL,
          body text NOT NULL,
          tags text NOT NULL,
          document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', tags), 'B') || setweight(to_tsvector('english', body), 'C')
          ) STORED,
          PRIMARY KEY (kind, record_id)
        )`);
      await queryRunner.query('CREATE INDEX search_document_document_idx ON search_document USING GIN (document)');
    } else {
      await queryRunner.query(
        `CREATE VIRTUAL TABLE search_document USING fts5(kind UNINDEXED, record_id UNINDEXED, title, body, tags, tokenize = 'porter unicode61')`,
      );
    }
    // On SQLite the rowid is id * 4 + the kind's number (see searchRowid), so that a record is replaced without a scan.
    const rowid = (kind: number, id: string) => (s.isPostgres ? '' : `${id} * 4 + ${kind}, `);
    const columns = `${s.isPostgres ? '' : 'rowid, '}kind, record_id, title, body, tags`;
    const tagsOf = s.isPostgres ? `string_agg(ft.tag, ' ')` : `group_concat(ft.tag, ' ')`;
    await queryRunner.query(`
      INSERT INTO search_document (${columns})
      SELECT ${rowid(0, 'f.id')}'feedback', f.id, f.title, f.body, COALESCE((SELECT ${tagsOf} FROM feedback_tag ft WHERE ft.feedback_id = f.id), '')
        FROM feedback_item f`);
    await queryRunner.query(
      `INSERT INTO search_document (${columns}) SELECT ${rowid(1, 't.id')}'theme', t.id, t.title, COALESCE(t.description, ''), '' FROM theme t`,
    );
    await queryRunner.query(
      `INSERT INTO search_document (${columns}) SELECT ${rowid(2, 'b.id')}'blueprint', b.id, b.title, b.project || '/' || b.name, '' FROM blueprint b`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS search_document');
  }
}
