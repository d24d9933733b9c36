import Database from 'better-sqlite3';
import { createHash, Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DataSource, QueryRunner } from 'typeorm';
import { dateFromDatabase } from '../common/columns';
import { dataSourceOptions } from '../database/data-source-options';
import { MIGRATIONS } from '../database/migrations';

/** Rows per INSERT, and per fetch when the copy is read back. */
const BATCH = 500;

/** PostgreSQL takes at most this many parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/** FTS5 keeps each virtual table's index in shadow tables that it fills itself: they are not data of their own. */
const FTS_SHADOW_SUFFIXES = ['_data', '_idx', '_content', '_docsize', '_config'];

/**
 * A migration seeds the release series, so a new database that has been
 * migrated already (the service was started on it once) holds these rows and
 * no others. The copy replaces them with the source's, ids and all.
 */
const SEEDED_TABLE = 'release';

type Output = (text: string) => void;

/** How a column's values travel and are compared, by the column's type in PostgreSQL. */
type ValueKind = 'timestamp' | 'boolean' | 'integer' | 'text';

interface CopiedColumn {
  name: string;
  kind: ValueKind;
  /** PostgreSQL's name of the type (int4, varchar…), to cast parameters with. */
  udt: string;
}

interface TableShape {
  name: string;
  /** The columns written, in order; PostgreSQL's generated columns (the search vector) compute themselves. */
  columns: CopiedColumn[];
  primaryKey: CopiedColumn[];
  /** Other tables its foreign keys point to, which must be copied first. */
  references: string[];
  /** Columns that point into the same table: a row may point to a later one, so they are filled in once all rows are in. */
  selfReferences: string[];
  /** The column a sequence numbers, if any. */
  serial: string | null;
}

interface Tally {
  rows: number;
  checksum: string;
}

interface TableResult {
  table: string;
  source: Tally;
  target: Tally;
}

/** A reason not to copy, told to whoever runs the command. */
class CopyRefused extends Error {}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies a whole Looptrace database from an SQLite file into a new
 * PostgreSQL database: every table with its ids, in one transaction that
 * commits only once each table's row count and checksum, read back from
 * PostgreSQL, equal the source's. Prints the counts and checksums per table;
 * resolves to the exit code.
 */
export async function copyDatabase(from: string, to: string, out: Output): Promise<number> {
  try {
    return await copy(from, to, out);
  } catch (error) {
    if (!(error instanceof CopyRefused)) throw error;
    out(`db copy refused: ${error.message}\n`);
    return 1;
  }
}

async function copy(from: string, to: string, out: Output): Promise<number> {
  if (!/^postgres(ql)?:\/\//.test(to)) throw new CopyRefused('the target must be a postgres:// or postgresql:// URL');
  if (!existsSync(from)) throw new CopyRefused(`${from} does not exist`);
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    requireMigrated(source, from);
    const tables = sourceTables(source);
    // The URL's own sslmode applies: pg reads it over these options.
    const target = new DataSource(dataSourceOptions({ engine: 'postgres', url: to, poolSize: 2, ssl: 'disable' }));
    await target.initialize();
    try {
      await requireUnused(target, tables);
      await target.runMigrations();
      const shapes = copyOrder(await shapesOf(target, source, tables));
      out(`Copying ${shapes.length} tables from ${from} to ${withoutPassword(to)}\n`);
      const results = await copyAll(source, target, shapes);
      out(reportText(results));
      const differing = results.filter((result) => !matches(result));
      if (differing.length) {
        out(`${differing.length} tables differ (${differing.map((result) => result.table).join(', ')}); nothing was committed.\n`);
        return 1;
      }
      const rows = results.reduce((sum, result) => sum + result.source.rows, 0);
      out(`Copied ${rows} rows; every table's count and checksum match, and each sequence continues after the highest id.\n`);
      return 0;
    } finally {
      await target.destroy();
    }
  } finally {
    source.close();
  }
}

/** The source must have been migrated by exactly this version: the target gets this version's schema. */
function requireMigrated(source: Database.Database, path: string): void {
  if (!source.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`).get()) {
    throw new CopyRefused(`${path} has no migrations table: it is not a Looptrace database`);
  }
  const applied = source.prepare('SELECT name FROM migrations ORDER BY timestamp').pluck().all() as string[];
  const known = MIGRATIONS.map((Migration) => new Migration().name);
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length) {
    throw new CopyRefused(`${path} lacks the migrations ${missing.join(', ')}: start this version of the service on it once, stop it, then copy`);
  }
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new CopyRefused(`${path} has migrations this version does not know (${unknown.join(', ')}): copy it with the version that made it`);
  }
}

/** The tables that hold data: not the migrations' bookkeeping, SQLite's own tables or FTS5's shadow tables. */
function sourceTables(source: Database.Database): string[] {
  const rows = source.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string; sql: string | null }>;
  const virtual = rows.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql ?? '')).map((row) => row.name);
  const shadows = new Set(virtual.flatMap((name) => FTS_SHADOW_SUFFIXES.map((suffix) => `${name}${suffix}`)));
  return rows
    .map((row) => row.name)
    .filter((name) => name !== 'migrations' && !name.startsWith('sqlite_') && !shadows.has(name))
    .sort();
}

/** Refuses a target that holds anything but what the migrations seed, before anything is written to it. */
async function requireUnused(target: DataSource, tables: string[]): Promise<void> {
  const existing = new Set(
    ((await target.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)) as Array<{
      table_name: string;
    }>).map((row) => row.table_name),
  );
  const holding: string[] = [];
  for (const table of tables.filter((name) => existing.has(name))) {
    const [{ rows }] = (await target.query(`SELECT EXISTS (SELECT 1 FROM ${quoted(table)}) AS rows`)) as Array<{ rows: boolean }>;
    if (rows) holding.push(table);
  }
  if (holding.some((table) => table !== SEEDED_TABLE)) {
    throw new CopyRefused(`the target database is in use: ${holding.join(', ')} hold rows. Copy into a new, empty database (createdb).`);
  }
}

function kindOf(table: string, column: string, dataType: string): ValueKind {
  if (dataType === 'timestamp with time zone') return 'timestamp';
  if (dataType === 'boolean') return 'boolean';
  if (['integer', 'bigint', 'smallint'].includes(dataType)) return 'integer';
  if (['text', 'character varying'].includes(dataType)) return 'text';
  throw new Error(`${table}.${column} is of type ${dataType}, which db copy does not know how to carry over`);
}

/** Each table as the migrations made it on PostgreSQL, checked against the same table in the source. */
async function shapesOf(target: DataSource, source: Database.Database, tables: string[]): Promise<TableShape[]> {
  const columns = (await target.query(
    `SELECT table_name, column_name, data_type, udt_name, is_generated,
            pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL AS serial
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  )) as Array<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_generated: string; serial: boolean }>;
  const primaryKeys = (await target.query(
    `SELECT k.table_name, k.column_name
       FROM information_schema.table_constraints c
       JOIN information_schema.key_column_usage k
         ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND c.constraint_type = 'PRIMARY KEY'
      ORDER BY k.table_name, k.ordinal_position`,
  )) as Array<{ table_name: string; column_name: string }>;
  const foreignKeys = (await target.query(
    `SELECT DISTINCT child.relname AS table_name, parent.relname AS referenced_table, a.attname AS column_name
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  )) as Array<{ table_name: string; referenced_table: string; column_name: string }>;

  const targetTables = [...new Set(columns.map((column) => column.table_name))].filter((name) => name !== 'migrations');
  const onlySource = tables.filter((name) => !targetTables.includes(name));
  const onlyTarget = targetTables.filter((name) => !tables.includes(name));
  if (onlySource.length || onlyTarget.length) {
    throw new CopyRefused(
      `the tables differ after migrating the target: only in the source: ${onlySource.join(', ') || 'none'}; only in the target: ${onlyTarget.join(', ') || 'none'}`,
    );
  }

  return tables.map((name) => {
    const own = columns.filter((column) => column.table_name === name);
    const copied = own
      .filter((column) => column.is_generated !== 'ALWAYS')
      .map((column) => ({ name: column.column_name, kind: kindOf(name, column.column_name, column.data_type), udt: column.udt_name }));
    const sourceColumns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name) as string[]).sort();
    const targetColumns = copied.map((column) => column.name).sort();
    if (sourceColumns.join() !== targetColumns.join()) {
      throw new CopyRefused(`the columns of ${name} differ: SQLite has ${sourceColumns.join(', ')}; PostgreSQL has ${targetColumns.join(', ')}`);
    }
    const keys = foreignKeys.filter((key) => key.table_name === name);
    const shape: TableShape = {
      name,
      columns: copied,
      primaryKey: primaryKeys.filter((key) => key.table_name === name).map((key) => copied.find((column) => column.name === key.column_name)!),
      references: [...new Set(keys.map((key) => key.referenced_table).filter((table) => table !== name))],
      selfReferences: keys.filter((key) => key.referenced_table === name).map((key) => key.column_name),
      serial: own.find((column) => column.serial)?.column_name ?? null,
    };
    if (shape.primaryKey.length === 0) throw new Error(`${name} has no primary key to copy and compare it in order by`);
    if (shape.selfReferences.length && shape.primaryKey.length !== 1) throw new Error(`${name} refers to itself without a one-column primary key`);
    return shape;
  });
}

/** Every table after the tables its foreign keys point to. */
function copyOrder(shapes: TableShape[]): TableShape[] {
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  let waiting = [...shapes].sort((a, b) => a.name.localeCompare(b.name));
  while (waiting.length) {
    const ready = waiting.filter((shape) => shape.references.every((table) => placed.has(table)));
    if (ready.length === 0) throw new Error(`The foreign keys of ${waiting.map((shape) => shape.name).join(', ')} form a cycle`);
    ready.forEach((shape) => {
      ordered.push(shape);
      placed.add(shape.name);
    });
    waiting = waiting.filter((shape) => !placed.has(shape.name));
  }
  return ordered;
}

/**
 * The copy in one PostgreSQL transaction, read from one snapshot of the
 * source (the service may still be writing to it): committed only if every
 * table reads back the same.
 */
async function copyAll(source: Database.Database, target: DataSource, shapes: TableShape[]): Promise<TableResult[]> {
  const runner = target.createQueryRunner();
  source.exec('BEGIN');
  try {
    await runner.startTransaction();
    await runner.query(`DELETE FROM ${quoted(SEEDED_TABLE)}`);
    const copied: Array<{ shape: TableShape; tally: Tally }> = [];
    for (const shape of shapes) copied.push({ shape, tally: await copyTable(source, runner, shape) });
    const issued = issuedIds(source);
    for (const shape of shapes) await continueSequence(runner, shape, issued.get(shape.name) ?? 0);
    const results: TableResult[] = [];
    for (const { shape, tally } of copied) results.push({ table: shape.name, source: tally, target: await readBack(runner, shape) });
    if (results.every(matches)) await runner.commitTransaction();
    else await runner.rollbackTransaction();
    return results;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    source.exec('COMMIT');
    await runner.release();
  }
}

/** Copies one table in primary-key order, in batches, and tallies what it read. */
async function copyTable(source: Database.Database, runner: QueryRunner, shape: TableShape): Promise<Tally> {
  const names = shape.columns.map((column) => quoted(column.name)).join(', ');
  const order = shape.primaryKey.map((column) => quoted(column.name)).join(', ');
  const rows = source.prepare(`SELECT ${names} FROM ${quoted(shape.name)} ORDER BY ${order}`).raw().iterate() as IterableIterator<unknown[]>;
  const rowsPerInsert = Math.min(BATCH, Math.floor(MAX_PARAMETERS / shape.columns.length));
  const selfIndexes = shape.selfReferences.map((name) => shape.columns.findIndex((column) => column.name === name));
  const keyIndex = shape.columns.indexOf(shape.primaryKey[0]);
  const tally = new Tallier();
  const pointers: unknown[][] = [];
  let batch: unknown[][] = [];
  for (const row of rows) {
    tally.add(row.map((value, index) => normalised(value, shape.columns[index].kind)));
    const values = row.map((value, index) => forPostgres(value, shape.columns[index], shape.name));
    if (selfIndexes.some((index) => values[index] !== null)) {
      pointers.push([values[keyIndex], ...selfIndexes.map((index) => values[index])]);
      selfIndexes.forEach((index) => (values[index] = null));
    }
    batch.push(values);
    if (batch.length === rowsPerInsert) {
      await insert(runner, shape, batch);
      batch = [];
    }
  }
  if (batch.length) await insert(runner, shape, batch);
  for (let start = 0; start < pointers.length; start += BATCH) await fillSelfReferences(runner, shape, pointers.slice(start, start + BATCH));
  return tally.result();
}

async function insert(runner: QueryRunner, shape: TableShape, rows: unknown[][]): Promise<void> {
  const width = shape.columns.length;
  const tuples = rows.map((_row, r) => `(${shape.columns.map((_column, c) => `$${r * width + c + 1}`).join(', ')})`);
  await runner.query(`INSERT INTO ${quoted(shape.name)} (${shape.columns.map((column) => quoted(column.name)).join(', ')}) VALUES ${tuples.join(', ')}`, rows.flat());
}

/** Sets the columns that point into the same table, now that every row they may point to exists. */
async function fillSelfReferences(runner: QueryRunner, shape: TableShape, pointers: unknown[][]): Promise<void> {
  const [key] = shape.primaryKey;
  const columns = [key, ...shape.selfReferences.map((name) => shape.columns.find((column) => column.name === name)!)];
  const arrays = columns.map((column, index) => `$${index + 1}::${column.udt}[]`).join(', ');
  const assignments = shape.selfReferences.map((name) => `${quoted(name)} = v.${quoted(name)}`).join(', ');
  await runner.query(
    `UPDATE ${quoted(shape.name)} AS t SET ${assignments}
       FROM unnest(${arrays}) AS v(${columns.map((column) => quoted(column.name)).join(', ')})
      WHERE t.${quoted(key.name)} = v.${quoted(key.name)}`,
    columns.map((_column, index) => pointers.map((pointer) => pointer[index])),
  );
}

/**
 * The highest id SQLite has issued per table. AUTOINCREMENT never issues an
 * id twice, even one whose row is gone; the sequences keep that promise.
 */
function issuedIds(source: Database.Database): Map<string, number> {
  if (!source.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).get()) return new Map();
  return new Map(source.prepare('SELECT name, seq FROM sqlite_sequence').raw().all() as Array<[string, number]>);
}

/** The table's sequence continues after its highest id, so that the next record gets the next id. */
async function continueSequence(runner: QueryRunner, shape: TableShape, issued: number): Promise<void> {
  if (!shape.serial) return;
  const column = quoted(shape.serial);
  await runner.query(
    `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(MAX(${column}), $3, 1), GREATEST(MAX(${column}), $3) > 0) FROM ${quoted(shape.name)}`,
    [quoted(shape.name), shape.serial, issued],
  );
}

/** Reads the copied table back in the order the source was read (text keys in byte order, as SQLite sorts them). */
async function readBack(runner: QueryRunner, shape: TableShape): Promise<Tally> {
  const names = shape.columns.map((column) => quoted(column.name)).join(', ');
  const order = shape.primaryKey.map((column) => (column.kind === 'text' ? `${quoted(column.name)} COLLATE "C"` : quoted(column.name))).join(', ');
  await runner.query(`DECLARE read_back NO SCROLL CURSOR FOR SELECT ${names} FROM ${quoted(shape.name)} ORDER BY ${order}`);
  const tally = new Tallier();
  for (;;) {
    const rows = (await runner.query(`FETCH ${BATCH} FROM read_back`)) as Array<Record<string, unknown>>;
    rows.forEach((row) => tally.add(shape.columns.map((column) => normalised(row[column.name], column.kind))));
    if (rows.length < BATCH) break;
  }
  await runner.query('CLOSE read_back');
  return tally.result();
}

/** A value of the source as PostgreSQL takes it; a value that does not fit its column stops the copy. */
function forPostgres(value: unknown, column: CopiedColumn, table: string): unknown {
  if (value === null) return null;
  const unfit = (what: string) => new Error(`${table}.${column.name} holds ${JSON.stringify(value)}, which is not ${what}`);
  if (column.kind === 'timestamp') {
    const at = typeof value === 'string' ? dateFromDatabase(value) : null;
    if (!at || Number.isNaN(at.getTime())) throw unfit('a time');
    return at.toISOString();
  }
  if (column.kind === 'boolean') {
    if (value !== 0 && value !== 1) throw unfit('0 or 1');
    return value === 1;
  }
  return value;
}

/** One engine's value in the form both sides are compared in: times in ISO 8601 UTC with milliseconds, true/false, numbers, text, null. */
function normalised(value: unknown, kind: ValueKind): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp') return dateFromDatabase(value as string | Date).toISOString();
  if (kind === 'boolean') return value === true || value === 1;
  if (kind === 'integer') return Number(value);
  return String(value);
}

/** A row count and a SHA-256 over the normalised rows in primary-key order. */
class Tallier {
  private rows = 0;
  private readonly hash: Hash = createHash('sha256');

  add(row: unknown[]): void {
    this.rows += 1;
    this.hash.update(`${JSON.stringify(row)}\n`);
  }

  result(): Tally {
    return { rows: this.rows, checksum: this.hash.digest('hex') };
  }
}

function matches(result: TableResult): boolean {
  return result.source.rows === result.target.rows && result.source.checksum === result.target.checksum;
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '****';
  return parsed.toString();
}

function reportText(results: TableResult[]): string {
  const rows = [
    ['table', 'SQLite rows', 'PostgreSQL rows', 'SQLite checksum', 'PostgreSQL checksum', ''],
    ...results.map((result) => [
      result.table,
      String(result.source.rows),
      String(result.target.rows),
      result.source.checksum.slice(0, 16),
      result.target.checksum.slice(0, 16),
      matches(result) ? 'ok' : 'DIFFERS',
    ]),
  ];
  const widths = rows[0].map((_cell, index) => Math.max(...rows.map((row) => row[index].length)));
  return rows.map((row) => `${row.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd()}\n`).join('');
}
