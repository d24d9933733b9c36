import { BadUserInputError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';

export type SearchKind = 'feedback' | 'theme' | 'blueprint';

/** One searchable record: what it is called, what it says, how it is tagged. */
export interface SearchDocument {
  kind: SearchKind;
  recordId: number;
  title: string;
  body: string;
  tags: string;
}

export interface SearchHitRow {
  kind: SearchKind;
  recordId: number;
  /** Higher is better. */
  score: number;
  /** The best matching passage, matches between ** marks. */
  snippet: string;
}

/**
 * The full-text index, one implementation per engine with the same ranking
 * rule: a match in the title weighs most, then tags, then the body.
 */
export interface SearchIndex {
  /** Puts the record's document in the index, in the write this runs in. */
  put(document: SearchDocument): Promise<void>;
  /** The best matches from the offset on, at most `limit`. */
  search(words: string[], limit: number, offset: number): Promise<SearchHitRow[]>;
  /** How many records match. */
  count(words: string[]): Promise<number>;
}

export const SEARCH_INDEX = Symbol('SearchIndex');

/** The words of a query, stripped of any syntax of the engines' query languages, so that no input can break a query. */
export function searchWords(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) throw BadUserInputError.field('query', 'must contain at least one word');
  return [...new Set(words)].slice(0, 20);
}

const KIND_NUMBER: Record<SearchKind, number> = { feedback: 0, theme: 1, blueprint: 2 };

/** The FTS5 rowid of a record: a record is replaced by its rowid, without scanning the index. */
export const searchRowid = (kind: SearchKind, recordId: number) => recordId * 4 + KIND_NUMBER[kind];

const hitOf = (row: { kind: SearchKind; record_id: number; score: number; snippet: string }): SearchHitRow => ({
  kind: row.kind,
  recordId: Number(row.record_id),
  score: Number(row.score),
  snippet: row.snippet,
});

/** Each word a prefix match, all words required, in FTS5's query language. */
const sqliteMatch = (words: string[]) => words.map((word) => `"${word}"*`).join(' ');

/** Each word a prefix match, all words required, as a tsquery. */
const postgresQuery = (words: string[]) => words.map((word) => `${word}:*`).join(' & ');

/** SQLite FTS5: each word a prefix match, all words required; bm25 with the column weights. */
export class SqliteSearchIndex implements SearchIndex {
  constructor(private readonly tx: TransactionRunner) {}

  async put(document: SearchDocument): Promise<void> {
    const rowid = searchRowid(document.kind, document.recordId);
    await this.tx.manager.query('DELETE FROM search_document WHERE rowid = ?', [rowid]);
    await this.tx.manager.query('INSERT INTO search_document (rowid, kind, record_id, title, body, tags) VALUES (?, ?, ?, ?, ?, ?)', [
      rowid,
      document.kind,
      document.recordId,
      document.title,
      document.body,
      document.tags,
    ]);
  }

  async count(words: string[]): Promise<number> {
    const [{ total }] = await this.tx.manager.query('SELECT COUNT(*) AS total FROM search_document WHERE search_document MATCH ?', [sqliteMatch(words)]);
    return Number(total);
  }

  async search(words: string[], limit: number, offset: number): Promise<SearchHitRow[]> {
    const match = sqliteMatch(words);
    const rows: Array<{ kind: SearchKind; record_id: number; score: number; snippet: string }> = await this.tx.manager.query(
      `SELECT kind, record_id, -bm25(search_document, 0, 0, 10.0, 1.0, 5.0) AS score,
              snippet(search_document, -1, '**', '**', '…', 16) AS snippet
         FROM search_document WHERE search_document MATCH ?
        ORDER BY bm25(search_document, 0, 0, 10.0, 1.0, 5.0), kind, record_id LIMIT ? OFFSET ?`,
      [match, limit, offset],
    );
    return rows.map(hitOf);
  }
}

/** PostgreSQL: a weighted tsvector (title A, tags B, body C), prefix matching, ranked by ts_rank_cd. */
export class PostgresSearchIndex implements SearchIndex {
  constructor(private readonly tx: TransactionRunner) {}

  async put(document: SearchDocument): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO search_document (kind, record_id, title, body, tags) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, tags = EXCLUDED.tags`,
      [document.kind, document.recordId, document.title, document.body, document.tags],
    );
  }

  async count(words: string[]): Promise<number> {
    const [{ total }] = await this.tx.manager.query(`SELECT COUNT(*) AS total FROM search_document WHERE document @@ to_tsquery('english', $1)`, [postgresQuery(words)]);
    return Number(total);
  }

  async search(words: string[], limit: number, offset: number): Promise<SearchHitRow[]> {
    const query = postgresQuery(words);
    const rows: Array<{ kind: SearchKind; record_id: number; score: number; snippet: string }> = await this.tx.manager.query(
      `SELECT kind, record_id, ts_rank_cd(document, to_tsquery('english', $1)) AS score,
              ts_headline('english', title || ' — ' || body, to_tsquery('english', $1), 'StartSel=**, StopSel=**, MaxWords=24, MinWords=8') AS snippet
         FROM search_document WHERE document @@ to_tsquery('english', $1)
        ORDER BY score DESC, kind, record_id LIMIT $2 OFFSET $3`,
      [query, limit, offset],
    );
    return rows.map(hitOf);
  }
}
