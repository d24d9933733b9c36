import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../../src/config/config';
import { LoggedStatement } from '../../src/database/sql-logger';

/*
 * The plans each engine makes for the statements of a request, and what is
 * wrong with them for a list. Two questions are asked of each statement.
 *
 * Does a step read a whole table, or a whole index to filter it? That is
 * asked of a plan in which the engine reads a table whole only where no index
 * can serve: on SQLite the plan made without statistics, in which SQLite
 * takes every table to be large; on PostgreSQL the plan made with sequential
 * scans, sorts, hash joins and merge joins disabled, so that it drives every
 * step from an index wherever one can.
 *
 * Is a page read in an index's order, from its cursor? On SQLite that is
 * asked of the plan made with the statistics of the data (ANALYZE), as it is
 * chosen in use; on PostgreSQL of the same plan as above, in which a sort
 * left means that no index gives the order. A page must not sort every
 * matching row where an index could give the order, and a page after a
 * cursor must start at the cursor, not at the first row of the order.
 */

/**
 * Tables that may be read whole, each for its reason. Any other table is
 * expected to grow with use, and a plan that reads it whole fails.
 */
export const SMALL_TABLES: Record<string, string> = {
  release: 'one row per release cycle, two a year',
  migrations: 'one row per migration of the build',
};

/** A statement of a request, as it ran, and what its plans showed wrong. */
export interface PlanVerdict {
  statement: LoggedStatement;
  plan: string;
  problems: string[];
}

/** Where the plans of a test's statements are made. */
export interface PlanSources {
  engine: DatabaseConfig['engine'];
  /** The service's database, with the statistics of its data on SQLite. */
  dataSource: DataSource;
  /** On SQLite, a copy of the database made before its statistics were gathered. */
  unanalyzed?: Database.Database;
}

/** Which statements have a plan: reads and writes, not transaction control or settings. */
export function hasPlan(query: string): boolean {
  return /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(query);
}

const NOT_ALIASES = new Set(['WHERE', 'ON', 'INNER', 'LEFT', 'RIGHT', 'JOIN', 'CROSS', 'ORDER', 'GROUP', 'LIMIT', 'OFFSET', 'UNION', 'AS', 'SET', 'VALUES', 'USING', 'NATURAL']);

/** The table behind each name a statement gives one (its aliases, and the tables' own names). */
function tablesByName(query: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const match of query.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+"?([A-Za-z_]\w*)"?(?:\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?)?/gi)) {
    const [, table, alias] = match;
    names.set(table, table);
    if (alias && !NOT_ALIASES.has(alias.toUpperCase())) names.set(alias, table);
  }
  return names;
}

/** Whether the statement reads a page (LIMIT): a sort of every matching row, or a start before the cursor, is then work an index could spare. */
const readsAPage = (query: string) => /\bLIMIT\b/i.test(query);

/**
 * Whether anything narrows the statement's rows: without, reading them all
 * (an unfiltered count) is what it asks. An exclusion alone (`NOT IN`, `<>`:
 * the events a reader may not see) does not narrow: no index finds the rows
 * a value is not, and it leaves most of them.
 */
function narrows(query: string): boolean {
  const where = /\bWHERE\b([\s\S]*?)(?:\bORDER BY\b|\bGROUP BY\b|\bLIMIT\b|$)/i.exec(query);
  if (!where) return false;
  const rest = where[1]
    .replace(/"?\w+"?\."?\w+"?\s+NOT IN\s*\([^()]*\)/gi, '')
    .replace(/"?\w+"?\."?\w+"?\s*<>\s*(\?|\$\d+)/g, '')
    .replace(/\bAND\b|[()\s]/gi, '');
  return rest.length > 0;
}

/** The alias and column of the last ORDER BY term that names a column: the outer query's order. */
function firstOrder(query: string): { alias: string; column: string } | null {
  const last = [...query.matchAll(/\bORDER BY\s+"?(\w+)"?\."?(\w+)"?/gi)].at(-1);
  return last ? { alias: last[1], column: last[2] } : null;
}

// ---------------------------------------------------------------------------
// SQLite

interface SqliteStep {
  id: number;
  parent: number;
  detail: string;
}

const SQLITE_SORT = /^USE TEMP B-TREE FOR (RIGHT PART OF |LAST \d+ TERMS OF )?ORDER BY/;

/** The plan as SQLite prints it, one step a line, indented under its parent. */
function sqliteText(steps: SqliteStep[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return steps
    .map((step) => {
      const level = (depth.get(step.parent) ?? 0) + 1;
      depth.set(step.id, level);
      return `${'  '.repeat(level)}${step.detail}`;
    })
    .join('\n');
}

/**
 * Why a sort of every matching row under a LIMIT is work an index could
 * spare, judged from the steps that read the ordered table, or null when no
 * index could give that order. It could when the rows come from a scan of
 * the table (an index in the order would stop at the page), or from an
 * index searched for equal values only (the same index with the order's
 * columns after them would give the order). It could not when the rows are
 * looked up by primary key from another table's index (a facet, a link, an
 * answer), when a range on another column narrows them, or when they are
 * full-text hits ranked by relevance, which no index holds.
 */
function sqliteSortAnIndexCouldSpare(query: string, steps: SqliteStep[]): string | null {
  if (steps.some((step) => / VIRTUAL TABLE INDEX /.test(step.detail))) return null;
  const order = firstOrder(query);
  if (!order) return 'the order names no column';
  for (const { detail } of steps) {
    const read = /^(SCAN|SEARCH) (\S+)(?: USING (?:COVERING )?INDEX \S+| USING INTEGER PRIMARY KEY)?(?: \((.*)\))?$/.exec(detail);
    if (!read || read[2] !== order.alias) continue;
    if (read[1] === 'SCAN') return `it scans ${order.alias}`;
    const constraints = (read[3] ?? '').split(' AND ');
    if (/USING INTEGER PRIMARY KEY/.test(detail) && constraints.every((constraint) => constraint === 'rowid=?')) continue;
    const ranges = constraints.filter((constraint) => !/^\w+=\?$/.test(constraint));
    if (ranges.length === 0) return `${order.alias} is searched for equal values only (${read[3]})`;
    if (ranges.some((range) => range.includes(order.column))) return `${order.alias} is searched by a range on ${order.column} itself`;
  }
  return null;
}

/** What is wrong with a statement's SQLite plans, without and with statistics. */
function sqliteProblems(query: string, plans: { analyzed: SqliteStep[]; unanalyzed: SqliteStep[] }, tables: ReadonlySet<string>, afterCursor: boolean): string[] {
  const names = tablesByName(query);
  const tableOf = (name: string) => names.get(name) ?? (tables.has(name) ? name : null);
  const order = firstOrder(query);
  const problems: string[] = [];

  // Whole reads, where no index serves.
  const sortsUnanalyzed = plans.unanalyzed.some((step) => SQLITE_SORT.test(step.detail));
  for (const { detail } of plans.unanalyzed) {
    const scan = /^SCAN (\S+)(.*)$/.exec(detail);
    if (scan && !/VIRTUAL TABLE INDEX/.test(scan[2])) {
      const table = tableOf(scan[1]);
      if (!table || table in SMALL_TABLES) continue;
      // A read in the order the page asks for stops at the page: in the primary key's order, or in an index's.
      const givesThePage = readsAPage(query) && !sortsUnanalyzed && order?.alias === scan[1];
      if (!/USING (COVERING )?INDEX/.test(scan[2])) {
        if (!(givesThePage && order!.column === 'id')) problems.push(`reads every row of ${table}, as no index serves it (${detail})`);
      } else if (!givesThePage && narrows(query)) {
        problems.push(`reads every entry of an index of ${table} to filter them (${detail})`);
      }
    }
    const automatic = /^(?:SEARCH|SCAN) (\S+) USING AUTOMATIC/.exec(detail);
    if (automatic) problems.push(`builds a temporary index over ${tableOf(automatic[1]) ?? automatic[1]}, reading all of it (${detail})`);
  }

  // How a page is read, as in use.
  const steps = plans.analyzed;
  const sorts = steps.filter((step) => SQLITE_SORT.test(step.detail));
  if (sorts.length && readsAPage(query)) {
    const why = sqliteSortAnIndexCouldSpare(query, steps);
    if (why) problems.push(`sorts every matching row to return a page, where an index could give the order: ${why} (${sorts[0].detail})`);
  }
  if (afterCursor && readsAPage(query) && sorts.length === 0 && order) {
    // A bound on the order's column alone, or on a row of columns that begins with it: (created_at,feedback_id)>(?,?).
    const bounded = order.column === 'id' ? /\b(id|rowid)[<>]/ : new RegExp(`\\b${order.column}[<>]|\\(${order.column},[^)]*\\)[<>]`);
    // Rows looked up by primary key come from another table's index (a timeline, a facet), bounded by what matches there.
    const ordered = steps.find((step) => new RegExp(`^(SCAN|SEARCH) ${order.alias}\\b`).test(step.detail));
    if (ordered && !/ VIRTUAL TABLE INDEX | USING INTEGER PRIMARY KEY \(rowid=\?\)$/.test(ordered.detail) && !bounded.test(ordered.detail)) {
      problems.push(`starts at the first row of the order, not at the cursor: a page reads every page before it (${ordered.detail})`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// PostgreSQL

interface PostgresNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Sort Key'?: string[];
  Plans?: PostgresNode[];
}

/**
 * What the PostgreSQL session disables, so that the planner shows whether an
 * index can serve at all: it still reads a table whole or sorts where no
 * index serves, at any cost. Its estimates (a value computed at run time,
 * such as an actor's id from their email, is planned as an average one) then
 * do not hide a missing index, nor make one look missing.
 */
const PLANNER_SETTINGS = ['enable_seqscan', 'enable_sort', 'enable_hashjoin', 'enable_mergejoin'];

/** The plan as PostgreSQL's text format would show it, without the costs. */
function postgresText(node: PostgresNode, level = 1): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const indent = '  '.repeat(level + 2);
  const lines = [`${'  '.repeat(level)}${node['Parent Relationship'] === 'SubPlan' || node['Parent Relationship'] === 'InitPlan' ? `${node['Parent Relationship']}: ` : ''}${node['Node Type']}${using}${on}`];
  if (node['Index Cond']) lines.push(`${indent}Index Cond: ${node['Index Cond']}`);
  if (node['Recheck Cond']) lines.push(`${indent}Recheck Cond: ${node['Recheck Cond']}`);
  if (node.Filter) lines.push(`${indent}Filter: ${node.Filter}`);
  if (node['Sort Key']) lines.push(`${indent}Sort Key: ${node['Sort Key'].join(', ')}`);
  return [...lines, ...(node.Plans ?? []).map((child) => postgresText(child, level + 1))].join('\n');
}

/** The condition without the brackets around the whole of it. */
function unwrapped(condition: string): string {
  let text = condition.trim();
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text;
}

/** The terms of a condition joined by AND at its top level, each without its brackets. */
function conjuncts(condition: string): string[] {
  const text = unwrapped(condition);
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      terms.push(text.slice(start, i));
      start = i + 5;
    }
  }
  return [...terms, text.slice(start)].map(unwrapped);
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

const SCANS = new Set(['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']);

/** The scans of a node and of the nodes under it, not those of its subplans, which run apart. */
function scansUnder(node: PostgresNode): PostgresNode[] {
  return [...(SCANS.has(node['Node Type']) ? [node] : []), ...(node.Plans ?? []).filter((child) => !isSubPlan(child)).flatMap(scansUnder)];
}

const isSubPlan = (node: PostgresNode) => node['Parent Relationship'] === 'SubPlan' || node['Parent Relationship'] === 'InitPlan';

/** The condition an index was searched by, for a scan that searched one. */
function searchedBy(scan: PostgresNode): string | undefined {
  if (scan['Node Type'] === 'Bitmap Heap Scan') return scan['Recheck Cond'];
  return scan['Index Cond'];
}

/** What is wrong with a statement's PostgreSQL plan, made with the planner settings above disabled. */
function postgresProblems(query: string, plan: PostgresNode, afterCursor: boolean): string[] {
  const order = firstOrder(query);
  const problems: string[] = [];
  const visit = (node: PostgresNode, context: { underLimit: boolean; sorted: boolean }) => {
    const table = node['Relation Name'];
    const large = table !== undefined && !(table in SMALL_TABLES);
    if (node['Node Type'] === 'Seq Scan' && large) {
      problems.push(`reads every row of ${table}, as no index serves it (Seq Scan${node.Filter ? `, Filter: ${node.Filter}` : ''})`);
    }
    if ((node['Node Type'] === 'Index Scan' || node['Node Type'] === 'Index Only Scan') && large && !node['Index Cond']) {
      // A read in the order the page asks for stops at the page; a read of everything is what an unfiltered count asks.
      const givesThePage = readsAPage(query) && context.underLimit && !context.sorted && node.Alias === order?.alias;
      if (!givesThePage && narrows(query) && !byKeys(node.Filter)) {
        problems.push(`reads every entry of ${node['Index Name']} of ${table} to filter them${node.Filter ? ` (Filter: ${node.Filter})` : ''}`);
      }
    }
    const wholeBitmap = (node.Plans ?? []).some((child) => child['Node Type'] === 'Bitmap Index Scan' && !child['Index Cond']);
    if (node['Node Type'] === 'Bitmap Heap Scan' && large && wholeBitmap && narrows(query)) {
      problems.push(`reads every entry of an index of ${table} to filter them${node.Filter ? ` (Filter: ${node.Filter})` : ''}`);
    }
    if (node['Node Type'] === 'Sort' && context.underLimit && order) {
      const why = postgresSortAnIndexCouldSpare(node, order.alias);
      if (why) problems.push(`sorts every matching row to return a page, where an index could give the order: ${why} (Sort Key: ${node['Sort Key']?.join(', ')})`);
    }
    if (node['Node Type'] === 'Limit' && afterCursor && order) {
      const ordered = scansUnder(node).find((scan) => scan.Alias === order.alias);
      const unsorted = !hasSort(node);
      const condition = ordered && searchedBy(ordered);
      if (ordered && unsorted && ordered['Node Type'] !== 'Bitmap Heap Scan' && !(condition && new RegExp(`\\b${order.column}\\b.*[<>]|[<>].*\\b${order.column}\\b`).test(condition))) {
        problems.push(`starts at the first row of the order, not at the cursor: a page reads every page before it (${ordered['Node Type']} using ${ordered['Index Name']}${condition ? `, Index Cond: ${condition}` : ''})`);
      }
    }
    for (const child of node.Plans ?? []) {
      if (isSubPlan(child)) visit(child, { underLimit: false, sorted: false });
      else visit(child, { underLimit: context.underLimit || node['Node Type'] === 'Limit', sorted: context.sorted || node['Node Type'] === 'Sort' });
    }
  };
  visit(plan, { underLimit: false, sorted: false });
  return problems;
}

/**
 * Whether a filter only picks keys of a batch, as a per-request loader's
 * `id = ANY ('{…}')` does: PostgreSQL may read a small table's index whole
 * rather than probe it once per key. Whether an index serves those keys is
 * asked of SQLite without statistics, whose migrations make the same
 * indexes.
 */
function byKeys(filter: string | undefined): boolean {
  return filter !== undefined && conjuncts(filter).every((term) => /^\w+ = ANY \('\{[\d,]*\}'::integer\[\]\)$|^\w+ IS (NOT )?NULL$/.test(term));
}

/** Whether a full sort lies between this node and the scans under it. */
function hasSort(node: PostgresNode): boolean {
  return (node.Plans ?? []).filter((child) => !isSubPlan(child)).some((child) => child['Node Type'] === 'Sort' || hasSort(child));
}

/** As on SQLite: a sort is work an index could spare when the ordered table is scanned whole or searched for equal values only. */
function postgresSortAnIndexCouldSpare(sort: PostgresNode, alias: string): string | null {
  for (const scan of scansUnder(sort).filter((candidate) => candidate.Alias === alias)) {
    const condition = searchedBy(scan);
    if (!condition) return `it scans ${alias}`;
    // Rows found by id come from another table's index (a facet, a link, an answer).
    const terms = conjuncts(condition);
    if (terms.every((term) => /^id = /.test(term))) continue;
    if (terms.every((term) => / = /.test(term) && !/[<>]/.test(term))) return `${alias} is searched for equal values only (${condition})`;
  }
  return null;
}

// ---------------------------------------------------------------------------

/**
 * Explains statements, each with its parameters: on SQLite with EXPLAIN
 * QUERY PLAN, without and with statistics; on PostgreSQL with EXPLAIN
 * (FORMAT JSON), in a session with sequential scans, sorts, hash joins and
 * merge joins disabled.
 */
export async function explain(sources: PlanSources, statements: LoggedStatement[], afterCursor: boolean): Promise<PlanVerdict[]> {
  const planned = statements.filter((statement) => hasPlan(statement.query));
  const { dataSource } = sources;
  if (sources.engine === 'sqlite') {
    const unanalyzed = sources.unanalyzed!;
    const tables = new Set((unanalyzed.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((row) => row.name));
    const verdicts: PlanVerdict[] = [];
    for (const statement of planned) {
      const analyzed = (await dataSource.query(`EXPLAIN QUERY PLAN ${statement.query}`, statement.parameters)) as SqliteStep[];
      const withoutStatistics = unanalyzed.prepare(`EXPLAIN QUERY PLAN ${statement.query}`).all(...statement.parameters) as SqliteStep[];
      verdicts.push({
        statement,
        plan: `${sqliteText(analyzed)}\n  without statistics:\n${sqliteText(withoutStatistics)}`,
        problems: sqliteProblems(statement.query, { analyzed, unanalyzed: withoutStatistics }, tables, afterCursor),
      });
    }
    return verdicts;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    for (const setting of PLANNER_SETTINGS) await runner.query(`SET ${setting} = off`);
    const verdicts: PlanVerdict[] = [];
    for (const statement of planned) {
      const [row] = (await runner.query(`EXPLAIN (FORMAT JSON) ${statement.query}`, statement.parameters)) as Array<{ 'QUERY PLAN': Array<{ Plan: PostgresNode }> }>;
      const plan = row['QUERY PLAN'][0].Plan;
      verdicts.push({ statement, plan: postgresText(plan), problems: postgresProblems(statement.query, plan, afterCursor) });
    }
    return verdicts;
  } finally {
    for (const setting of PLANNER_SETTINGS) await runner.query(`RESET ${setting}`);
    await runner.release();
  }
}
