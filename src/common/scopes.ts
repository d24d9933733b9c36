import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A subquery a part builds over its own tables, selecting the ids of its
 * records that match something. Another part narrows its own query by it
 * (`inScope`), so that no part writes SQL naming another part's tables or
 * columns. Each part names the parameters of its scopes after itself, so
 * that scopes of several parts can share one query.
 */
export type IdScope = SelectQueryBuilder<ObjectLiteral>;

/**
 * `column IN (scope)` with the scope's parameters, for where, andWhere and
 * orWhere. Several scopes are their union, `column IN (a UNION b)`: one
 * subquery that each engine drives from the scopes' indexes, where
 * `column IN (a) OR column IN (b)` has PostgreSQL test every row.
 */
export function inScope(column: string, scope: IdScope | readonly IdScope[]): [string, ObjectLiteral] {
  const scopes: readonly IdScope[] = Array.isArray(scope) ? scope : [scope as IdScope];
  const parameters = Object.assign({}, ...scopes.map((each) => each.getParameters())) as ObjectLiteral;
  return [`${column} IN (${scopes.map((each) => each.getQuery()).join(' UNION ')})`, parameters];
}

/**
 * `column = (scope)` with the scope's parameters, for a scope that selects
 * one id at most: a record named by a unique key, such as an actor by email.
 * The engine then searches an index for that one value, in the index's
 * order, where `IN` would have it sort what it finds. No id matches nothing.
 */
export function isScope(column: string, scope: IdScope): [string, ObjectLiteral] {
  return [`${column} = (${scope.getQuery()})`, scope.getParameters()];
}

/**
 * The rows whose column is in no row of the scope, as `NOT EXISTS` (the
 * scope asked for the one id): both engines probe the scope's index once a
 * row. `column NOT IN (scope)` had PostgreSQL read the scope again for every
 * row once the scope was too large to hash (seconds for the blueprints that
 * no loop asks for, at 100,000 loops).
 */
export function notInScope(column: string, scope: IdScope): [string, ObjectLiteral] {
  const selected = scope.expressionMap.selects[0]?.selection;
  if (!selected) throw new Error('notInScope needs a scope that selects its id');
  const correlated = scope.clone().select('1').andWhere(`${selected} = ${column}`);
  return [`NOT EXISTS (${correlated.getQuery()})`, correlated.getParameters()];
}
