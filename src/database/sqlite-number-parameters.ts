import type { DataSource, ObjectLiteral } from 'typeorm';

/** A number as a bound value keeps the type its literal had: an integer as SQLite's INTEGER, any other as REAL. */
function asBound(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
}

/**
 * Makes TypeORM bind the numbers of a query builder's parameters on SQLite
 * instead of writing them into the statement's text.
 *
 * TypeORM's SQLite drivers write every number parameter into the text
 * (`WHERE "id" = 4711`) and bind the other values. Nearly every statement
 * names an id, so nearly every statement was a text of its own: prepared
 * anew each time it ran (a submission or a vote prepared 30 statements), and
 * kept in the connection's statement cache, which then held 1,000 statements
 * per connection that would never run again. A prepared statement lives in
 * SQLite's memory, outside V8's heap, and better-sqlite3 finalizes one only
 * when V8 collects its object; V8 does not see that memory, so nothing made
 * it hurry. The bench's writes took the service's resident memory from
 * 160 MB to 560 MB that way, on any size of database. Bound, the numbers
 * leave one text per shape of statement, and the cache serves them all.
 *
 * better-sqlite3 binds a JavaScript number as REAL, where the literal was an
 * INTEGER (stored in a TEXT column, REAL 5 reads `5.0` and the literal `5`),
 * so an integer is bound as a BigInt, which it binds as INTEGER.
 */
export function bindNumberParameters(dataSource: DataSource): void {
  const driver = dataSource.driver;
  if (driver.options.type !== 'better-sqlite3') return;
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql: string, parameters: ObjectLiteral) =>
    escape(sql, parameters && Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, asBound(value)])));
}
